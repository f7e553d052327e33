// The repository demo: `npm run demo [-- --device cuda] [-- --data-dir ../shared/data/rumedbench]`.
// 1. @lab/tensor-core: loads the shipped model, prints its manifest, verifies its golden outputs, classifies points.
// 2. @lab/rumedbench: trains and evaluates the feature-based baseline (tf-idf + logistic regression, CRF for NER) on
//    a SYNTHETIC built-in sample, or on the real benchmark when --data-dir is given.
// 3. @lab/geodiff: generates conformers for four drugs with the shipped GeoDiff model and writes them to an SDF.
// 4. @lab/jet-interp: the shipped RecNN jet taggers on new generated jets, and a saliency heat map on the Lund plane.
// 5. @lab/protein-tl: our shipped protein language model embeds Pfam domains (../shared/data/pfam when present, else a
//    SYNTHETIC family sample) and 1-NN / MLP heads classify held-out ones, beside 1-NN on 3-mer counts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledModelPath, checkGolden, loadModel, toFloat32Tensor } from '@lab/tensor-core';
import { createCliProgress } from '@lab/tensor-core/cli-progress';
import { TASK_NAMES, TfidfBaseline, formatMarkdownTable, runBaseline, writeSyntheticSample } from '@lab/rumedbench';

const arg = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const device = arg('--device') ?? 'cpu';
const manifestPath = bundledModelPath('toy-mlp');
const model = await loadModel(manifestPath, { device, onFallback: (r) => console.warn(`note: ${r}`) });
try {
  const m = model.manifest;
  console.log('== @lab/tensor-core: shipped model ==');
  console.log(model.describe());
  console.log(`  opset ${m.opset}; trained on: ${m.provenance.trainingData}`);
  console.log(`  manifest metrics: ${JSON.stringify(m.metrics)}`);

  const golden = await checkGolden(model, m, manifestPath);
  for (const o of golden.outputs) {
    console.log(`  golden ${o.name}: max |Δ| vs PyTorch = ${o.maxAbsDiff.toExponential(2)} (atol ${golden.atol}) ${o.ok ? 'ok' : 'FAILED'}`);
  }

  const points = [
    [0.0, 1.0],
    [1.0, -0.5],
    [-0.8, 0.4],
    [1.9, 0.3],
  ];
  const { probabilities } = await model.run({ x: toFloat32Tensor(points) });
  const p = probabilities.data;
  console.log('\n  point            P(upper moon)  P(lower moon)  prediction');
  points.forEach(([x, y], i) => {
    const [a, b] = [p[2 * i], p[2 * i + 1]];
    console.log(`  (${x.toFixed(2).padStart(5)}, ${y.toFixed(2).padStart(5)})   ${a.toFixed(4).padStart(12)}  ${b.toFixed(4).padStart(13)}  ${a > b ? 'upper' : 'lower'}`);
  });
  if (!golden.ok) process.exitCode = 1;
} finally {
  await model.dispose();
}

console.log('\n== @lab/rumedbench: feature-based baseline (tf-idf + logistic regression; CRF for NER) ==');
const realDir = arg('--data-dir');
const work = mkdtempSync(join(tmpdir(), 'rumedbench-demo-'));
const dataDir = realDir ?? (await writeSyntheticSample(join(work, 'data')));
const predDir = join(work, 'predictions');
console.log(realDir ? `data: ${realDir}` : `data: SYNTHETIC built-in sample (${dataDir}); pass --data-dir <RuMedBench dir> for the real benchmark`);
const bar = createCliProgress('tfidf');
const result = await runBaseline(new TfidfBaseline(), dataDir, TASK_NAMES, { outDir: predDir, onProgress: bar.onProgress });
bar.stop();
for (const s of result.skipped) console.log(`skipped ${s.task}: ${s.reason}`);
console.log(`\nTest set${realDir ? '' : ' (SYNTHETIC)'}:\n${formatMarkdownTable('tf-idf + LR / CRF', result.test)}`);
console.log(`submissions: ${predDir} (score them with: npx rumedbench eval --pred-dir ${predDir} --data-dir ${dataDir})`);

// 3. @lab/geodiff: conformers for well-known drugs with the shipped GeoDiff network (DDIM fast mode), relaxed with
//    MMFF94, stereo checked against the input SMILES, written to an SDF.
console.log('\n== @lab/geodiff: conformers of drug molecules (shipped GeoDiff network) ==');
{
  const { parseSmiles, loadGeoDiffNetwork, generateConformers, refineConformersWithMmff, checkStereo, writeConformersSdf } = await import('@lab/geodiff');
  const drugs = [
    ['aspirin', 'CC(=O)Oc1ccccc1C(=O)O'],
    ['paracetamol', 'CC(=O)Nc1ccc(O)cc1'],
    ['ibuprofen', 'CC(C)Cc1ccc([C@H](C)C(=O)O)cc1'],
    ['caffeine', 'Cn1c(=O)c2c(ncn2C)n(C)c1=O'],
  ];
  const molecules = await Promise.all(drugs.map(([name, smiles]) => parseSmiles(smiles, { name })));
  const network = await loadGeoDiffNetwork(undefined, { device, onFallback: (r) => console.warn(`note: ${r}`) });
  const steps = Number(arg('--geodiff-steps') ?? 200);
  console.log(`model: ${network.session.name} (${network.session.manifest?.provenance.trainingData})`);
  const sampling = createCliProgress('sampling');
  const result = await generateConformers(molecules, { network, numConfs: 3, sampler: 'ddim', steps, seed: 0, onProgress: sampling.onProgress });
  sampling.stop();
  await network.dispose();
  const sets = [];
  for (const g of result.molecules) {
    const refined = await refineConformersWithMmff(g.molecule, g.conformers, { maxIterations: 500 });
    const conformers = refined.map((r) => r.coords);
    const stereo = await checkStereo(g.molecule, conformers);
    const energies = refined.map((r) => r.energyAfter.toFixed(1)).join(', ');
    console.log(`  ${g.molecule.name.padEnd(12)} ${String(g.molecule.atoms.length).padStart(3)} atoms  MMFF94 energies after refinement: ${energies} kcal/mol  stereo: ${stereo.every((s) => s.ok) ? 'ok' : `${stereo.filter((s) => !s.ok).length} mismatch(es)`}`);
    sets.push({ molecule: g.molecule, conformers, seed: 0, sampler: 'ddim', steps, stereo, properties: { REFINED: 'MMFF94' } });
  }
  const sdf = join(work, 'drug-conformers.sdf');
  await writeConformersSdf(sdf, sets);
  console.log(`wrote ${sdf}: ${sets.length * 3} conformers (ddim, ${steps} steps) in ${(result.timing.totalMs / 1000).toFixed(1)} s of sampling`);
  console.log('more: npx geodiff sample --smiles "<SMILES>" --num-confs 10 --out confs.sdf (5000-step Langevin by default)');
}

// 4. @lab/jet-interp: the three shipped RecNN taggers on freshly generated jets (generator seeds they never saw), and
//    the W/QCD tagger's gradient saliency on the Lund plane, averaged per class, as PNG heat maps.
console.log('\n== @lab/jet-interp: RecNN jet taggers (shipped models) on new generated jets ==');
{
  const { Rng, rocAuc, rocCurve, rejectionAtEfficiency } = await import('@lab/tensor-core');
  const { SHIPPED_RECNN_TASKS, shippedRecnnDir, loadRecnn, generateJets, recnnSaliency, saliencyLundMaps, saliencyHeatmapPng } = await import('@lab/jet-interp');
  const { writeFile } = await import('node:fs/promises');
  console.log('jets: generated by @lab/jet-interp\'s parton shower + simple hadronisation (method development, not Pythia + Delphes)');
  const classes = { 'w-qcd': ['w', 'qcd'], 'top-qcd': ['top', 'qcd'], 'quark-gluon': ['quark', 'gluon'] };
  const rng = new Rng(424242);
  const gen = (kind, n) => (kind === 'qcd' ? [...generateJets('quark', n / 2, { rng }), ...generateJets('gluon', n / 2, { rng })] : generateJets(kind, n, { rng })).map((j) => j.constituents);
  const n = 300;
  for (const task of SHIPPED_RECNN_TASKS) {
    const model = await loadRecnn(shippedRecnnDir(task), { device });
    const [sig, bkg] = classes[task];
    const jets = [...gen(sig, n), ...gen(bkg, n)];
    const labels = jets.map((_, i) => (i < n ? 1 : 0));
    const t0 = performance.now();
    const p = await model.classify(jets);
    const ms = performance.now() - t0;
    const auc = rocAuc(labels, p);
    const rej = rejectionAtEfficiency(rocCurve(labels, p), 0.5);
    console.log(`  ${task.padEnd(12)} AUC ${auc.toFixed(3)}  1/eps_B at eps_S = 0.5: ${rej.toFixed(1).padStart(6)}  (manifest test AUC ${model.config.metrics.testAuc}; ${jets.length} jets in ${ms.toFixed(0)} ms)`);
    if (task === 'w-qcd') {
      const few = [...jets.slice(0, 60), ...jets.slice(n, n + 60)];
      const result = await recnnSaliency(model, few, [...labels.slice(0, 60), ...labels.slice(n, n + 60)]);
      const maps = saliencyLundMaps(result.jets, { signal: 'W', background: 'QCD', task: 'W vs QCD' });
      for (const [name, map] of [['signal', maps.signal], ['background', maps.background]]) {
        const file = join(work, `saliency-w-qcd-${name}.png`);
        await writeFile(file, await saliencyHeatmapPng(map, { task: 'W vs QCD' }));
        console.log(`  wrote ${file} (mean ||dL/dh_i|| / ||dL/dh_J|| per Lund-plane bin, ${name} jets)`);
      }
    }
    await model.dispose();
  }
  console.log('more: npx jet-interp probe|transfer|saliency --help (the study\'s tables and figure)');
}

// 5. @lab/protein-tl: protein family classification by transfer learning. The shipped default embedder (our small
//    ESM-2-architecture language model, pretrained by masked language modelling with every labelled Pfam sequence left
//    out) embeds the sequences; exact 1-NN and the study's MLP head are fitted on the training part and score the rest.
console.log('\n== @lab/protein-tl: Pfam family classification from protein language model embeddings (shipped model) ==');
{
  const { existsSync } = await import('node:fs');
  const { Rng } = await import('@lab/tensor-core');
  const { resolveEmbedder, readSequences, evaluateHeads, formatEvaluation } = await import('@lab/protein-tl');
  const pfamDir = arg('--pfam-dir') ?? join(process.cwd(), '..', '..', 'shared', 'data', 'pfam');
  const altDir = join(process.cwd(), '..', 'shared', 'data', 'pfam');
  const dir = existsSync(join(pfamDir, 'train_100.csv')) ? pfamDir : existsSync(join(altDir, 'train_100.csv')) ? altDir : undefined;
  let train;
  let test;
  if (dir) {
    // the first 20 families (by accession) of the real random split, to keep the demo short
    const [tr, te] = [await readSequences(join(dir, 'train_100.csv')), await readSequences(join(dir, 'test_100.csv'))];
    const keep = new Set([...new Set(tr.families)].sort().slice(0, 20));
    const pick = (t) => {
      const idx = t.families.map((f, i) => (keep.has(f) ? i : -1)).filter((i) => i >= 0);
      return { sequences: idx.map((i) => t.sequences[i]), families: idx.map((i) => t.families[i]) };
    };
    train = pick(tr);
    test = pick(te);
    console.log(`data: ${dir} (train_100 / test_100, first 20 families: ${train.sequences.length} training, ${test.sequences.length} test sequences)`);
  } else {
    // SYNTHETIC: 12 families, each a random 80-residue ancestor; members carry 30 % random substitutions
    const rng = new Rng(77);
    const AA = 'ACDEFGHIKLMNPQRSTVWY';
    train = { sequences: [], families: [] };
    test = { sequences: [], families: [] };
    for (let f = 0; f < 12; f++) {
      const anc = Array.from({ length: 80 }, () => AA[rng.int(20)]);
      for (let m = 0; m < 12; m++) {
        const s = anc.map((a) => (rng.uniform() < 0.3 ? AA[rng.int(20)] : a)).join('');
        const t = m < 9 ? train : test;
        t.sequences.push(s);
        t.families.push(`SYNTH${String(f).padStart(2, '0')}`);
      }
    }
    console.log('data: SYNTHETIC families (no ../shared/data/pfam here; pass --pfam-dir DIR for real Pfam domains)');
  }
  const rows = [];
  for (const spec of ['default', 'kmer']) {
    const embedder = await resolveEmbedder(spec, { device });
    const bar = createCliProgress(`  embed (${embedder.name})`);
    const t0 = performance.now();
    const trainX = await embedder.embedPooled(train.sequences, { onProgress: bar.onProgress });
    const testX = await embedder.embedPooled(test.sequences, { onProgress: bar.onProgress });
    bar.stop();
    const seconds = (performance.now() - t0) / 1e3;
    const heads = spec === 'default' ? ['knn', 'mlp'] : ['knn'];
    const r = await evaluateHeads({ x: trainX, families: train.families }, { x: testX, families: test.families }, embedder.dim, { embedding: embedder.name, heads, mlp: { maxEpochs: 25 } });
    rows.push(...r.rows);
    console.log(`  ${embedder.name}: ${embedder.dim}-dim vectors for ${train.sequences.length + test.sequences.length} sequences in ${seconds.toFixed(1)} s`);
    await embedder.dispose();
  }
  process.stdout.write(formatEvaluation(rows, 'md', { title: dir ? 'Pfam random split, 20 families' : 'SYNTHETIC families', testSequences: test.sequences.length }));
  console.log('more: npx protein-tl evaluate --train TRAIN.csv --test TEST.csv --baselines hmmer,blast (the study\'s tables)');
}
