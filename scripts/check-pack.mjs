// Checks that `npm pack` of the package in the current directory ships only dist/, models/, README, LICENSE and
// package.json. Used by each package's `check:package` script.
import { execFileSync } from 'node:child_process';

const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const [{ name, files }] = JSON.parse(out);
const allowed = /^(dist\/|models\/|README\.md$|LICENSE$|package\.json$)/;
const bad = files.map((f) => f.path).filter((p) => !allowed.test(p) || /\.test\.|__fixtures__/.test(p));
if (bad.length) {
  console.error(`${name}: unexpected files in the tarball:\n  ${bad.join('\n  ')}`);
  process.exit(1);
}
for (const required of ['README.md', 'LICENSE', 'package.json']) {
  if (!files.some((f) => f.path === required)) {
    console.error(`${name}: ${required} is missing from the tarball`);
    process.exit(1);
  }
}
console.log(`${name}: tarball holds ${files.length} files, all under dist/, models/, README.md, LICENSE, package.json`);
