// Runs the benchmarks under bench/<package>/ (all, or those of the packages named on the command line).
import { readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
let failed = 0;
for (const pkg of readdirSync(here)) {
  const dir = join(here, pkg);
  if (!statSync(dir).isDirectory() || ['lib', 'results', 'node_modules'].includes(pkg)) continue;
  if (wanted.length && !wanted.includes(pkg)) continue;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjs'))) {
    console.log(`\n== ${pkg}/${file} ==`);
    const r = spawnSync(process.execPath, [join(dir, file)], { stdio: 'inherit' });
    if (r.status !== 0) failed++;
  }
}
process.exitCode = failed ? 1 : 0;
