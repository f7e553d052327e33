import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where a reference Python is found, or why not. */
export type PythonProbe = { ok: true; python: string } | { ok: false; reason: string };

const cache = new Map<string, PythonProbe>();

/**
 * Finds a Python interpreter that imports all `modules` (Debian's `/usr/bin/python3` first, then `LAB_PYTHON`), for
 * parity tests against reference tools. Tests skip with `reason` printed when none is found.
 * @param modules - e.g. `['sklearn', 'numpy']`
 */
export function findPython(modules: readonly string[]): PythonProbe {
  const key = modules.join(',');
  const hit = cache.get(key);
  if (hit) return hit;
  const candidates = [process.env.LAB_PYTHON, '/usr/bin/python3'].filter((p): p is string => !!p && existsSync(p));
  let result: PythonProbe = { ok: false, reason: `no Python found (tried LAB_PYTHON and /usr/bin/python3); install with: apt-get install ${modules.map(debianPackage).join(' ')}` };
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', modules.map((m) => `import ${m}`).join('; ')], { encoding: 'utf8' });
    if (r.status === 0) {
      result = { ok: true, python };
      break;
    }
    result = { ok: false, reason: `${python} cannot import ${key} (${(r.stderr || '').trim().split('\n').pop()}); install with: apt-get install ${modules.map(debianPackage).join(' ')}` };
  }
  cache.set(key, result);
  return result;
}

/**
 * Runs a Python script with JSON on stdin and parses the JSON it prints.
 * @param python - interpreter from {@link findPython}
 * @param script - path of the script
 * @param input - value sent as JSON on stdin
 * @throws Error with the script's stderr when it fails
 */
export function runPythonJson<T = unknown>(python: string, script: string, input: unknown, args: readonly string[] = []): T {
  const r = spawnSync(python, [script, ...args], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

function debianPackage(module: string): string {
  const map: Record<string, string> = { sklearn: 'python3-sklearn', numpy: 'python3-numpy', torch: 'python3-torch', onnx: 'python3-onnx', rdkit: 'python3-rdkit', scipy: 'python3-scipy', pandas: 'python3-pandas', tables: 'python3-tables' };
  return map[module] ?? `python3-${module}`;
}
