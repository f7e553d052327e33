import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateJets } from '../generator/generate-jets';
import { parseFastJetEvents } from '../io/fastjet-text';
import { primaryLundDeclusterings } from '../lund/primary-lund-declusterings';
import { lundTree } from '../lund/lund-tree';
import { JET_OBSERVABLE_NAMES, jetObservables } from '../observables/jet-observables';
import { generateCommand, lundCommand, observablesCommand } from './jet-commands';

describe('generate / observables / lund commands', () => {
  const text = generateCommand({ kind: 'top', jets: 4, seed: 5 });
  const dir = mkdtempSync(join(tmpdir(), 'jet-commands-'));
  const file = join(dir, 'top.txt');
  writeFileSync(file, text);

  it('generate writes the generator\'s jets, one event each, exactly (17 significant digits)', () => {
    const events = parseFastJetEvents(text);
    const jets = generateJets('top', 4, { seed: 5 });
    expect(events.length).toBe(4);
    events.forEach((e, i) => expect(Array.from(e.momenta)).toEqual(Array.from(jets[i]!.constituents.momenta)));
  });

  it('observables prints jetObservables of each event (whole-event mode) to 10 significant digits', async () => {
    let out = '';
    const r = await observablesCommand(file, { jet: 'event' }, (t) => void (out += t));
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe(`event,${JET_OBSERVABLE_NAMES.join(',')}`);
    expect(r).toEqual({ events: 4, rows: 4 });
    const events = parseFastJetEvents(text);
    lines.slice(1).forEach((line, i) => {
      const cells = line.split(',').map(Number);
      const ref = jetObservables(events[i]!, { radius: 0.8 });
      JET_OBSERVABLE_NAMES.forEach((n, k) => expect(Math.abs(cells[k + 1]! - ref[n])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ref[n]))));
    });
  });

  it('lund prints the full tree, or with primary the primary declusterings, of the leading jet', async () => {
    let all = '';
    let primary = '';
    const a = await lundCommand(file, {}, (t) => void (all += t));
    const p = await lundCommand(file, { primary: true }, (t) => void (primary += t));
    const events = parseFastJetEvents(text);
    const { leadingAntiKtJet } = await import('../generator/generate-jets');
    const jets = events.map((e) => leadingAntiKtJet(e, 0.8)!.constituents);
    expect(a.splittings).toBe(jets.reduce((s, j) => s + lundTree(j).length, 0));
    expect(p.splittings).toBe(jets.reduce((s, j) => s + primaryLundDeclusterings(j).length, 0));
    const first = primary.trim().split('\n')[1]!.split(',').map(Number);
    const ref = primaryLundDeclusterings(jets[0]!)[0]!;
    expect(first[4]).toBeCloseTo(ref.lnInvDelta, 8);
    expect(first[5]).toBeCloseTo(ref.lnKt, 8);
  });
});
