import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '@lab/tensor-core';
import { sharedDataPath } from '@lab/tensor-core/testing';
import { describe, expect, it } from 'vitest';
import { formatFastJetEvents } from './io/fastjet-text';
import { FourMomentum } from './particles/four-momentum';
import { ParticleEvent } from './particles/particle-event';
import { buildFastJetDriver, runFastJetDriver } from './testing/fastjet-reference';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });
const driver = buildFastJetDriver();
if (!driver.ok) console.warn(`[skip] jet-interp cluster vs the FastJet driver: ${driver.reason}`);
const PYTHIA = sharedDataPath(['fastjet-reference', 'Pythia-PtMin1000-LHC-10ev.dat']);

/** Same lines; integers equal; numbers within 1e-9 relative (the last printed digit may round differently). */
function expectSameOutput(ours: string, theirs: string): void {
  const a = ours.trimEnd().split('\n');
  const b = theirs.trimEnd().split('\n');
  expect(a.length).toBe(b.length);
  a.forEach((line, i) => {
    const x = line.split(' ');
    const y = b[i]!.split(' ');
    expect(x.length, `line ${i + 1}`).toBe(y.length);
    x.forEach((t, k) => {
      if (t === y[k]) return;
      const u = Number(t);
      const v = Number(y[k]);
      expect(Math.abs(u - v), `line ${i + 1}: ${line} vs ${b[i]}`).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(u), Math.abs(v)));
    });
  });
}

describe('jet-interp cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jet-interp-cli-'));
  const rng = new Rng(11);
  const events = Array.from({ length: 40 }, () =>
    ParticleEvent.fromMomenta(Array.from({ length: 5 + rng.int(300) }, () => FourMomentum.fromPtYPhiM(0.5 + 100 * rng.uniform() ** 3, rng.uniformRange(-4, 4), rng.uniformRange(0, 2 * Math.PI)))),
  );
  const file = join(dir, 'random.dat');
  writeFileSync(file, `# SYNTHETIC random events\n${formatFastJetEvents(events)}`);

  it.skipIf(!driver.ok)('prints what the FastJet driver prints (random events, three algorithms)', () => {
    for (const [alg, R, ptmin] of [['antikt', '0.4', '5'], ['ca', '0.8', '0'], ['kt', '0.6', '10']] as const) {
      const r = run('cluster', '--algorithm', alg, '--radius', R, '--ptmin', ptmin, '--quiet', file);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.split('\n').filter((l) => l === '#END')).toHaveLength(40);
      if (driver.ok) expectSameOutput(r.stdout, runFastJetDriver(driver.binary, ['cli', '--alg', alg, '--R', R, '--ptmin', ptmin], readFileSync(file, 'utf8')));
    }
  });

  it.skipIf(!driver.ok || !PYTHIA)('prints what the FastJet driver prints on the 10 Pythia events, with a progress report on stderr', () => {
    const r = run('cluster', '--algorithm', 'antikt', '--radius', '0.4', '--ptmin', '5', PYTHIA!);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('cluster [bytes]');
    expect(r.stderr).toContain('clustered 10 events');
    if (driver.ok) expectSameOutput(r.stdout, runFastJetDriver(driver.binary, ['cli', '--alg', 'antikt', '--R', '0.4', '--ptmin', '5'], readFileSync(PYTHIA!, 'utf8')));
    const first = r.stdout.split('\n')[0]!.split(' ');
    expect(first).toHaveLength(5);
    expect(Number(first[2])).toBeGreaterThanOrEqual(0);
    expect(Number(first[2])).toBeLessThan(2 * Math.PI);
  });

  it('exits 1 with typed errors', () => {
    const bad = join(dir, 'bad.dat');
    writeFileSync(bad, '1 0 0 1\n#END\n# comment\n1 0 0 1\n0 1 0 -1\n#END\n');
    const e = run('cluster', '--algorithm', 'antikt', '--radius', '0.4', '-q', bad);
    expect(e.status).toBe(1);
    expect(e.stderr).toContain('error [INVALID_PARTICLE]: event 1, particle 1 (bad.dat line 5): E = -1 is negative');
    expect(e.stdout).toBe('1 0 0 0 1\n#END\n');
    const r = run('cluster', '--algorithm', 'antikt', '--radius', '0', '-q', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error \[INVALID_ARGUMENT\]: The jet radius R must be a finite number > 0; received 0\./);
    const a = run('cluster', '--algorithm', 'siscone', '--radius', '0.4', file);
    expect(a.stderr).toContain('error [INVALID_ARGUMENT]: Unknown jet algorithm "siscone". Supported: antikt, ca, kt, genkt.');
    const m = run('cluster', '--algorithm', 'kt', '--radius', '0.4', join(dir, 'missing.dat'));
    expect(m.status).toBe(1);
    expect(m.stderr).toMatch(/error \[INVALID_ARGUMENT\]: Cannot read the event file .*missing\.dat/);
  });
});

describe('jet-interp generate | observables | lund | probe (end to end)', () => {
  it('generates jets to a file that observables and lund read, and probes a model on a train-data file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jet-interp-cli-'));
    const events = join(dir, 'w.txt');
    expect(run('generate', '--kind', 'w', '--jets', '3', '--seed', '2', '--out', events, '-q').status).toBe(0);
    const obs = run('observables', events, '-q');
    expect(obs.status, obs.stderr).toBe(0);
    const rows = obs.stdout.trim().split('\n');
    expect(rows.length).toBe(4);
    const mass = rows.slice(1).map((r) => Number(r.split(',')[5]));
    for (const m of mass) expect(Math.abs(m - 80.4)).toBeLessThan(15); // W jets
    const lund = run('lund', events, '--primary', '-q', '--out', join(dir, 'lund.csv'));
    expect(lund.status, lund.stderr).toBe(0);
    expect(readFileSync(join(dir, 'lund.csv'), 'utf8')).toMatch(/^event,index,level,parent,ln_inv_delta,ln_kt/);
    const bad = run('observables', events, '--jet', 'widest', '-q');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/error \[INVALID_ARGUMENT\]: --jet must be leading or event/);
    const data = join(dir, 'wq.npz');
    expect(run('train-data', '--kind', 'w,qcd', '--jets', '30', '--seed', '4', '--out', data, '-q').status).toBe(0);
    const model = fileURLToPath(new URL('./recnn/__fixtures__/recnn-simple', import.meta.url));
    const probe = run('probe', '-m', model, '-d', data, '--jets', '20', '--observables', 'mass,multiplicity', '-f', 'csv', '-q');
    expect(probe.status, probe.stderr).toBe(0);
    expect(probe.stdout.split('\n')[0]).toBe('task,representation,observable,r2,r2_fit,fit_jets,score_jets');
    const unpaired = run('probe', '-m', model, '-q');
    expect(unpaired.stderr).toMatch(/one --data file per --model/);
  }, 120_000);
});
