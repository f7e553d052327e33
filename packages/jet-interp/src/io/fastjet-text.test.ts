import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFormatError, LabError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { InvalidParticleError } from '../particles/invalid-particle-error';
import { ParticleEvent } from '../particles/particle-event';
import { formatFastJetEvents, parseFastJetEvents, readFastJetEvents } from './fastjet-text';

const TEXT = `# header comment
   1.5  0 2 3.5   211
0 -1 0 1
#SUBSTART (a comment)

#END
#END
-0.25 1e-3 7 7.1
#END   extra text
`;

async function collect(path: string): Promise<ParticleEvent[]> {
  const out: ParticleEvent[] = [];
  for await (const e of readFastJetEvents(path)) out.push(e);
  return out;
}

describe('FastJet text events', () => {
  it('parses particles, comments, #END separators and empty events', () => {
    const events = parseFastJetEvents(TEXT);
    expect(events.map((e) => e.size)).toEqual([2, 0, 1]);
    expect(Array.from(events[0]!.momenta)).toEqual([1.5, 0, 2, 3.5, 0, -1, 0, 1]);
    expect(events[2]!.px(0)).toBe(-0.25);
  });

  it('reads a single event without #END, and nothing from a file of comments', () => {
    expect(parseFastJetEvents('1 0 0 1\n2 0 0 2').map((e) => e.size)).toEqual([2]);
    expect(parseFastJetEvents('# nothing\n\n')).toEqual([]);
    expect(parseFastJetEvents('1 0 0 1\r\n#END\r\n').map((e) => e.size)).toEqual([1]);
  });

  it('streams plain and gzip files alike, reporting bytes read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fj-text-'));
    writeFileSync(join(dir, 'e.dat'), TEXT);
    writeFileSync(join(dir, 'e.dat.gz'), gzipSync(TEXT));
    const plain = await collect(join(dir, 'e.dat'));
    const gz = await collect(join(dir, 'e.dat.gz'));
    expect(gz.map((e) => Array.from(e.momenta))).toEqual(plain.map((e) => Array.from(e.momenta)));
    expect(plain.map((e) => e.size)).toEqual([2, 0, 1]);
    let bytes = 0;
    for await (const _ of readFastJetEvents(join(dir, 'e.dat'), { onBytes: (b) => (bytes = b) })) void _;
    expect(bytes).toBe(Buffer.byteLength(TEXT));
  });

  it('round-trips at full precision through formatFastJetEvents', () => {
    const e = ParticleEvent.fromRows([[0.1 + 0.2, -1 / 3, 1e-17, 1.0000000000000002]]);
    const back = parseFastJetEvents(formatFastJetEvents([e, new ParticleEvent(new Float64Array(0))]));
    expect(back).toHaveLength(2);
    expect(Array.from(back[0]!.momenta)).toEqual(Array.from(e.momenta));
  });

  it('names the event, particle, field and line of a bad particle', async () => {
    const bad = '1 0 0 1\n#END\n0 0 0 1\nnan 0 0 1\n#END\n';
    expect(() => parseFastJetEvents(bad, { source: 'x.dat' })).toThrow('event 1, particle 1 (x.dat line 4): px = NaN is not a number');
    expect(() => parseFastJetEvents('1 0 inf 1\n')).toThrow(/particle 0 \(<text> line 1\): pz = Infinity is infinite/);
    expect(() => parseFastJetEvents('3 4 0 4\n')).toThrow(InvalidParticleError);
    expect(parseFastJetEvents('3 4 0 4\n', { energyTolerance: Infinity })[0]!.size).toBe(1);
    const dir = mkdtempSync(join(tmpdir(), 'fj-text-'));
    writeFileSync(join(dir, 'bad.dat'), bad);
    await expect(collect(join(dir, 'bad.dat'))).rejects.toThrow('event 1, particle 1 (bad.dat line 4): px = NaN');
  });

  it('rejects malformed lines with DataFormatError naming the line', () => {
    let err: unknown;
    try {
      parseFastJetEvents('1 0 0 1\n1 2 3\n', { source: 'y.dat' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataFormatError);
    expect(LabError.isInstance(err) && err.code).toBe('DATA_FORMAT');
    expect((err as Error).message).toBe('y.dat (line 2): expected "px py pz E", found 3 values: "1 2 3"');
    expect(() => parseFastJetEvents('1 0 zero 1\n')).toThrow('<text> (line 1): "zero" is not a number');
  });
});
