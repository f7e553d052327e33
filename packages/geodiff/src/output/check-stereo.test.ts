import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSmiles } from '../molecule/parse-smiles';
import { checkStereo, formatStereoReport } from './check-stereo';
import { StereoReferenceError } from './errors';
import { type StereoFixture, mirrored, stereoFixtures } from './test-fixtures';

let fixtures: Map<string, StereoFixture>;
const fixture = (name: string): StereoFixture => {
  const f = fixtures.get(name);
  if (f === undefined) throw new Error(`no fixture ${name}`);
  return f;
};

beforeAll(async () => {
  fixtures = await stereoFixtures();
});

describe('Molecule.smiles keeps the input stereo', () => {
  it('is the canonical isomeric SMILES', async () => {
    expect((await parseSmiles('C/C=C/C')).smiles).toBe('C/C=C/C');
    expect((await parseSmiles('C/C=C\\C')).smiles).toBe('C/C=C\\C');
    expect((await parseSmiles('C[C@@H](C(=O)O)N')).smiles).toBe('C[C@H](N)C(=O)O');
    expect((await parseSmiles('CC(N)C(=O)O')).smiles).toBe('CC(N)C(=O)O');
  });
});

describe('checkStereo', () => {
  it('passes conformers that keep the input stereo (ETKDG conformers of each fixture)', async () => {
    for (const f of fixtures.values()) {
      const [report] = await checkStereo(f.molecule, f.coords);
      expect(report!.ok, `${f.name}: ${formatStereoReport(report!)}`).toBe(true);
    }
    const [ibuprofen] = await checkStereo(fixture('(S)-ibuprofen').molecule, fixture('(S)-ibuprofen').coords);
    expect(ibuprofen!.checked).toEqual([{ kind: 'atom', atoms: [8], elements: ['C'], expected: 'S', found: 'S', ok: true }]);
  });

  it('flags a cis conformer of trans-2-butene (C/C=C/C) as E expected, Z found', async () => {
    const trans = fixture('trans-2-butene');
    const cis = fixture('cis-2-butene'); // same atom order: C0 C1 C2 C3, then the hydrogens
    const [report] = await checkStereo(trans.molecule, cis.coords);
    expect(report!.ok).toBe(false);
    expect(report!.mismatches).toEqual([{ kind: 'bond', atoms: [1, 2], elements: ['C', 'C'], expected: 'E', found: 'Z', ok: false }]);
    expect(formatStereoReport(report!)).toBe('mismatch: bond 1=2 (C=C) expected E, found Z');
    // and the other way round
    const [back] = await checkStereo(cis.molecule, trans.coords);
    expect(back!.mismatches.map((m) => [m.expected, m.found])).toEqual([['Z', 'E']]);
  });

  it('flags D-alanine coordinates (mirrored) for L-alanine, and leaves E/Z of a mirror image alone', async () => {
    const ala = fixture('L-alanine');
    const [same, mirror] = await checkStereo(ala.molecule, [ala.coords, mirrored(ala.coords)]);
    expect(same!.ok).toBe(true);
    expect(mirror!.conformer).toBe(1);
    expect(mirror!.mismatches).toEqual([{ kind: 'atom', atoms: [1], elements: ['C'], expected: 'S', found: 'R', ok: false }]);
    expect(formatStereoReport(mirror!)).toBe('mismatch: atom 1 (C) expected S, found R');

    const butene = fixture('trans-2-butene');
    expect((await checkStereo(butene.molecule, mirrored(butene.coords)))[0]!.ok).toBe(true);
  });

  it('flags (R)-ibuprofen coordinates for (S)-ibuprofen, given stacked in one array', async () => {
    const ibu = fixture('(S)-ibuprofen');
    const stacked = new Float64Array(2 * ibu.coords.length);
    stacked.set(ibu.coords, 0);
    stacked.set(mirrored(ibu.coords), ibu.coords.length);
    const reports = await checkStereo(ibu.molecule, stacked);
    expect(reports.map((r) => formatStereoReport(r))).toEqual(['ok (1 stereo element)', 'mismatch: atom 8 (C) expected S, found R']);
  });

  it('checks every centre of L-threonine, and only those the reference specifies', async () => {
    const thr = fixture('L-threonine');
    const [both] = await checkStereo(thr.molecule, mirrored(thr.coords));
    expect(both!.mismatches.map((m) => [m.atoms[0], m.expected, m.found])).toEqual([
      [1, 'R', 'S'],
      [3, 'S', 'R'],
    ]);
    // a reference that specifies only C3: the inverted C2 is not a mismatch
    const [partial] = await checkStereo(thr.molecule, mirrored(thr.coords), { reference: 'C[C@@H](O)C(N)C(=O)O' });
    expect(partial!.checked).toHaveLength(1);
    expect(partial!.mismatches.map((m) => [m.atoms[0], m.expected, m.found])).toEqual([[1, 'R', 'S']]);
    // no specified stereo: nothing to check
    const [none] = await checkStereo(thr.molecule, mirrored(thr.coords), { reference: 'CC(O)C(N)C(=O)O' });
    expect(none).toEqual({ conformer: 0, ok: true, checked: [], mismatches: [] });
    expect(formatStereoReport(none!)).toBe('ok (no specified stereo)');
  });

  it('accepts the mirror image of meso-tartaric acid (the same molecule) by trying the symmetric mapping', async () => {
    const meso = fixture('meso-tartaric acid');
    const [report] = await checkStereo(meso.molecule, mirrored(meso.coords));
    expect(report!.ok).toBe(true);
    expect(report!.checked.map((c) => c.expected).sort()).toEqual(['R', 'S']);
    // with a single mapping (no symmetry search) the relabelled centres look inverted
    const [naive] = await checkStereo(meso.molecule, mirrored(meso.coords), { maxMatches: 1 });
    expect(naive!.mismatches).toHaveLength(2);
  });

  it('checks the tetrasubstituted double bond of (Z)-tamoxifen', async () => {
    const tam = fixture('(Z)-tamoxifen');
    const [ok] = await checkStereo(tam.molecule, tam.coords);
    expect(ok!.checked.map((c) => [c.kind, c.expected, c.found])).toEqual([['bond', 'Z', 'Z']]);
    const [wrong] = await checkStereo(tam.molecule, tam.coords, { reference: 'CC/C(=C(/c1ccccc1)c1ccc(OCCN(C)C)cc1)c1ccccc1' });
    expect(wrong!.mismatches.map((m) => [m.atoms, m.expected, m.found])).toEqual([[[2, 3], 'E', 'Z']]);
  });

  it('reports "none" for a flattened stereocentre', async () => {
    const ala = fixture('L-alanine');
    const flat = Float64Array.from(ala.coords, (v, i) => (i % 3 === 2 ? 0 : v));
    const [report] = await checkStereo(ala.molecule, flat);
    expect(report!.mismatches).toEqual([{ kind: 'atom', atoms: [1], elements: ['C'], expected: 'S', found: null, ok: false }]);
    expect(formatStereoReport(report!)).toBe('mismatch: atom 1 (C) expected S, found none');
  });

  it('throws typed errors for a reference of another molecule, bad coordinates and options', async () => {
    const ala = fixture('L-alanine');
    await expect(checkStereo(ala.molecule, ala.coords, { reference: 'C[C@H](O)CC' })).rejects.toThrow(StereoReferenceError);
    await expect(checkStereo(ala.molecule, ala.coords, { reference: 'C[C@H](O)CC' })).rejects.toThrow(/does not map onto the molecule/);
    await expect(checkStereo(ala.molecule, ala.coords, { reference: 'CCCC' })).rejects.toThrow(StereoReferenceError); // even without stereo
    await expect(checkStereo(ala.molecule, ala.coords, { reference: 'C[C@H](N' })).rejects.toMatchObject({
      code: 'STEREO_REFERENCE_MISMATCH',
      reference: 'C[C@H](N',
    });
    const short = ala.coords.subarray(3);
    await expect(checkStereo(ala.molecule, short)).rejects.toMatchObject({ name: 'InvalidArgumentError', argument: 'conformers' });
    const nan = Float64Array.from(ala.coords);
    nan[4] = Number.NaN;
    await expect(checkStereo(ala.molecule, [nan])).rejects.toThrow(/conformer 0 has a non-finite coordinate \(NaN\) at atom 1/);
    await expect(checkStereo(ala.molecule, ala.coords, { maxMatches: 0 })).rejects.toMatchObject({ argument: 'maxMatches' });
  });
});

describe('checkStereo invariances (property)', () => {
  const q = fc.double({ min: -1, max: 1, noNaN: true });
  const shift = fc.double({ min: -20, max: 20, noNaN: true });
  /** Rotates (unit quaternion from `quat`), optionally reflects z, then translates. */
  const move = (coords: Float64Array, quat: number[], t: number[], reflect: boolean): Float64Array => {
    const n = Math.hypot(...quat);
    const [w, x, y, z] = quat.map((v) => v / n) as [number, number, number, number];
    const r = [
      [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
      [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
      [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
    ];
    const out = new Float64Array(coords.length);
    for (let i = 0; i < coords.length; i += 3) {
      for (let d = 0; d < 3; d++) out[i + d] = r[d]![0]! * coords[i]! + r[d]![1]! * coords[i + 1]! + r[d]![2]! * coords[i + 2]! + t[d]!;
      if (reflect) out[i + 2] = -out[i + 2]!;
    }
    return out;
  };

  it('keeps the verdict under rotation and translation, and inverts centres (not E/Z) under a reflection', async () => {
    const thr = fixture('L-threonine');
    const tam = fixture('(Z)-tamoxifen');
    await fc.assert(
      fc.asyncProperty(fc.tuple(q, q, q, q).filter((v) => Math.hypot(...v) > 0.1), fc.tuple(shift, shift, shift), async (quat, t) => {
        const [proper] = await checkStereo(thr.molecule, move(thr.coords, quat, t, false));
        const [improper] = await checkStereo(thr.molecule, move(thr.coords, quat, t, true));
        const [tamReflected] = await checkStereo(tam.molecule, move(tam.coords, quat, t, true));
        expect(proper!.ok).toBe(true);
        expect(improper!.mismatches.map((m) => m.atoms[0])).toEqual([1, 3]);
        expect(tamReflected!.ok).toBe(true);
      }),
      { numRuns: 15 },
    );
  });
});
