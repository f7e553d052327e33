// Scores exported GeoDiff models by sampling, for checkpoint selection: DDIM conformers (2x the reference count) of
// validation molecules of the training split (training/geodiff/data/val.sdf: 6-12 heavy atoms, never GEOM test
// molecules), COV/MAT at 0.5 Å against their RDKit ETKDG + MMFF94 conformers. The validation loss does not track
// sample quality at this training length, so the shipped weights are chosen with this.
// Usage: npm run build -w @lab/geodiff && node training/geodiff/score-checkpoints.mjs EXPORT_DIR [EXPORT_DIR ...]
//        (env NMOL=12 STEPS=200 MAXH=12)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateConformers, generateConformers, loadGeoDiffNetwork, readSdf } from '@lab/geodiff';

const VAL = join(dirname(fileURLToPath(import.meta.url)), 'data', 'val.sdf');
const refs = (await readSdf(readFileSync(VAL, 'utf8'))).molecules;
const groups = new Map();
for (const r of refs) {
  const key = r.properties?.smiles ?? r.smiles;
  if (!groups.has(key)) groups.set(key, { molecule: r, count: 0 });
  groups.get(key).count++;
}
const heavy = (m) => m.atoms.filter((a) => a.atomicNumber > 1).length;
const use = [...groups.values()].filter((g) => heavy(g.molecule) >= 6 && heavy(g.molecule) <= Number(process.env.MAXH ?? 12)).slice(0, Number(process.env.NMOL ?? 12));
const keep = new Set(use.map((g) => g.molecule.properties?.smiles ?? g.molecule.smiles));
const references = refs.filter((r) => keep.has(r.properties?.smiles ?? r.smiles));
for (const dir of process.argv.slice(2)) {
  const network = await loadGeoDiffNetwork(dir, { intraOpThreads: 1 });
  const t = performance.now();
  const g = await generateConformers(use.map((u) => ({ ...u.molecule, coords: undefined })), { network, numConfs: use.map((u) => 2 * u.count), sampler: 'ddim', steps: Number(process.env.STEPS ?? 200) });
  const generated = g.molecules.flatMap((m, i) => m.conformers.map((coords) => ({ ...use[i].molecule, coords })));
  const r = await evaluateConformers(generated, references, { threshold: 0.5 });
  console.log(JSON.stringify({ model: dir, molecules: use.length, seconds: (performance.now() - t) / 1000, cov_r_mean: r.cov_r_mean, mat_r_mean: r.mat_r_mean, cov_p_mean: r.cov_p_mean, mat_p_mean: r.mat_p_mean }));
  await network.dispose();
}
