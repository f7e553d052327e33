/**
 * The `jet-interp saliency` command: gradient saliency of a RecNN over the Lund plane, per class, from a
 * `jet-interp train-data` file.
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { DataFormatError, InvalidArgumentError, stagedProgress } from '@lab/tensor-core';
import { createCliProgress } from '@lab/tensor-core/cli-progress';
import { LUND_IMAGE_DEFAULTS, type LundImage } from '../lund/lund-image';
import type { ParticleEvent } from '../particles/particle-event';
import { loadRecnn } from '../recnn/recnn-model';
import { RECNN_SPLITS, readTrainingJets } from '../recnn/training-data';
import { saliencyHeatmapPng } from '../saliency/saliency-heatmap-png';
import { saliencyHeatmapSvg } from '../saliency/saliency-heatmap-svg';
import { saliencyLundMaps, type SaliencyLundMap } from '../saliency/saliency-lund-maps';
import { recnnSaliency } from '../saliency/recnn-saliency';

/**
 * Parsed options of `jet-interp saliency` (strings as commander gives them).
 * @example
 * ```ts
 * const opts: SaliencyCommandOptions = { model: 'models/recnn-w-qcd-gated', data: 'w-qcd.npz', out: 'out/w-qcd', jets: '1000' };
 * ```
 */
export interface SaliencyCommandOptions {
  /** The RecNN model directory (with weights.npz). */
  model: string;
  /** A `jet-interp train-data` .npz with constituents. */
  data: string;
  /** `test` (default), `validation`, `train` or `all`. */
  split?: string;
  /** At most this many jets per class (the first of the split in file order). */
  jets?: string;
  /** Output prefix: PREFIX-signal.svg/png, PREFIX-background.svg/png, PREFIX.json. */
  out: string;
  /** Bins per axis of the Lund plane. */
  bins?: string;
  /** The task in titles (default `<signal> vs <background>`). */
  task?: string;
  /** Leave bins with fewer splittings blank in the plots. */
  minCount?: string;
  /** No progress bar or summary. */
  quiet?: boolean;
}

/**
 * What `jet-interp saliency` wrote (the maps are also in PREFIX.json).
 * @example
 * ```ts
 * const { files, maps } = await runSaliencyCommand(opts);
 * maps.signal.splittingMeanSaliency;
 * ```
 */
export interface SaliencyCommandReport {
  files: string[];
  task: string;
  signal: string;
  background: string;
  split: string;
  jets: { signal: number; background: number };
  onnxMaxAbsDiff?: number;
  maps: { signal: SaliencyLundMap; background: SaliencyLundMap };
}

function parsePositiveInt(name: string, value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isInteger(v) || v < 1) throw new InvalidArgumentError(name, `--${name} must be an integer ≥ 1; received "${value}".`);
  return v;
}

/** Rows of an image (along ln k_t), NaN as null for JSON. */
function rows(image: LundImage): (number | null)[][] {
  return Array.from({ length: image.lnKtBins }, (_, iy) =>
    Array.from(image.values.subarray(iy * image.lnInvDeltaBins, (iy + 1) * image.lnInvDeltaBins), (v) => (Number.isFinite(v) ? v : null)),
  );
}

function mapJson(m: SaliencyLundMap) {
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    label: m.label,
    className: m.className,
    jets: m.jets,
    undefinedJets: m.undefinedJets,
    entries: m.entries,
    outside: m.outside,
    splittingMeanSaliency: finite(m.splittingMeanSaliency),
    leaves: { nodes: m.leaves.nodes, meanSaliency: finite(m.leaves.meanSaliency) },
    meanSaliency: rows(m.mean),
    counts: rows(m.counts),
  };
}

/**
 * Runs `jet-interp saliency` with parsed options: loads the model and its weights, takes the split's jets from the
 * train-data file (their constituents, reclustered as the model was trained), computes every node's gradient saliency
 * ({@link recnnSaliency}), averages it over the Lund plane per class ({@link saliencyLundMaps}) and writes
 * `PREFIX-signal.svg/.png`, `PREFIX-background.svg/.png` and `PREFIX.json` (settings, per-class summaries, mean saliency
 * and counts per bin as rows along ln k_t, null for empty bins).
 * @param opts - the command's options
 * @returns what was written
 * @throws InvalidArgumentError for a bad option; DataFormatError for a data file without constituents or a model without
 *   weights.npz
 * @example
 * ```ts
 * await runSaliencyCommand({ model: 'models/recnn-w-qcd-simple', data: 'w-qcd.npz', split: 'test', jets: '500', out: 'out/w-qcd', quiet: true });
 * ```
 */
export async function runSaliencyCommand(opts: SaliencyCommandOptions): Promise<SaliencyCommandReport> {
  const split = (opts.split ?? 'test').toLowerCase();
  if (!['train', 'validation', 'test', 'all'].includes(split)) throw new InvalidArgumentError('split', `--split must be train, validation, test or all; received "${opts.split}".`);
  const perClass = opts.jets === undefined ? Infinity : parsePositiveInt('jets', opts.jets);
  const bins = opts.bins === undefined ? undefined : parsePositiveInt('bins', opts.bins);
  const minCount = opts.minCount === undefined ? 1 : parsePositiveInt('min-count', opts.minCount);
  if (!opts.out) throw new InvalidArgumentError('out', '--out PREFIX is required (files PREFIX-signal.svg, … are written).');
  if (!existsSync(opts.data)) throw new InvalidArgumentError('data', `--data ${opts.data} does not exist; write it with \`jet-interp train-data\`.`);
  const all = await readTrainingJets(opts.data, split === 'all' ? {} : { split: split as keyof typeof RECNN_SPLITS });
  const taken = [0, 0];
  const jets: ParticleEvent[] = [];
  const labels: number[] = [];
  all.labels.forEach((y, j) => {
    if (y !== 0 && y !== 1) throw new DataFormatError(opts.data, `jet_label[${j}] is ${y}; labels must be 0 or 1.`);
    if (taken[y]! >= perClass) return;
    taken[y]!++;
    jets.push(all.jets[j]!);
    labels.push(y);
  });
  if (jets.length === 0) throw new InvalidArgumentError('split', `${opts.data} has no jets in the ${split} split.`);

  const bar = createCliProgress('saliency', { enabled: !opts.quiet });
  const model = await loadRecnn(opts.model);
  try {
    const [run, render] = stagedProgress(bar.onProgress, ['gradients', 'plots']);
    const result = await recnnSaliency(model, jets, labels, { onProgress: run! });
    const task = opts.task ?? `${result.signal} vs ${result.background}`;
    const binning = bins === undefined ? {} : { lnInvDeltaBins: bins, lnKtBins: bins };
    const maps = saliencyLundMaps(result.jets, { ...binning, signal: result.signal, background: result.background, task });
    const prefix = resolve(opts.out);
    await mkdir(dirname(prefix), { recursive: true });
    const files: string[] = [];
    const classes = [['signal', maps.signal], ['background', maps.background]] as const;
    for (let i = 0; i < classes.length; i++) {
      const [name, map] = classes[i]!;
      const svg = await saliencyHeatmapSvg(map, { task, minCount });
      await writeFile(`${prefix}-${name}.svg`, svg);
      await writeFile(`${prefix}-${name}.png`, await saliencyHeatmapPng(map, { task, minCount }));
      files.push(`${prefix}-${name}.svg`, `${prefix}-${name}.png`);
      render!({ completed: i + 1, total: classes.length });
    }
    const mean = (label: number, f: (j: (typeof result.jets)[number]) => number) => {
      const js = result.jets.filter((j) => j.label === label);
      return js.length ? js.reduce((s, j) => s + f(j), 0) / js.length : null;
    };
    const m = maps.signal.mean;
    const json = {
      format: 'jet-interp-saliency',
      version: 1,
      definition: 'saliency_i = ||dL/dh_i||_2 / ||dL/dh_J||_2, L = binary cross-entropy of the true label on the logit; map bins hold the mean saliency of the internal nodes (splittings) at (ln 1/Delta, ln kt) of their two children; leaves are summarised separately',
      model: resolve(opts.model),
      data: resolve(opts.data),
      split,
      jetsPerClassLimit: Number.isFinite(perClass) ? perClass : null,
      variant: result.variant,
      embeddingSize: result.embeddingSize,
      task,
      signal: result.signal,
      background: result.background,
      jets: { signal: taken[1], background: taken[0] },
      onnxMaxAbsDiff: result.onnxMaxAbsDiff ?? null,
      meanProbability: { signal: mean(1, (j) => j.probability), background: mean(0, (j) => j.probability) },
      meanLoss: { signal: mean(1, (j) => j.loss), background: mean(0, (j) => j.loss) },
      binning: { lnInvDeltaBins: m.lnInvDeltaBins, lnKtBins: m.lnKtBins, lnInvDeltaRange: [...m.lnInvDeltaRange], lnKtRange: [...m.lnKtRange], defaults: bins === undefined ? 'LUND_IMAGE_DEFAULTS' : null },
      maps: { signal: mapJson(maps.signal), background: mapJson(maps.background) },
      files: [...files, `${prefix}.json`],
    };
    await writeFile(`${prefix}.json`, `${JSON.stringify(json, null, 2)}\n`);
    files.push(`${prefix}.json`);
    bar.stop();
    if (!opts.quiet) {
      process.stderr.write(
        `saliency of ${jets.length} ${split} jets (${taken[1]} ${result.signal}, ${taken[0]} ${result.background}; ${result.variant} RecNN, H = ${result.embeddingSize}${result.onnxMaxAbsDiff !== undefined ? `, |P_TS − P_ONNX| ≤ ${result.onnxMaxAbsDiff.toExponential(1)}` : ''}): ${maps.signal.entries} + ${maps.background.entries} splittings on the Lund plane; wrote ${files.join(', ')}\n`,
      );
    }
    return {
      files,
      task,
      signal: result.signal,
      background: result.background,
      split,
      jets: { signal: taken[1]!, background: taken[0]! },
      ...(result.onnxMaxAbsDiff !== undefined ? { onnxMaxAbsDiff: result.onnxMaxAbsDiff } : {}),
      maps,
    };
  } finally {
    bar.stop();
    await model.dispose();
  }
}

/**
 * The `saliency` subcommand, to add to the `jet-interp` program with `program.addCommand(saliencyCommand())`.
 * @returns a commander Command
 * @example
 * ```ts
 * program.addCommand(saliencyCommand());
 * // jet-interp saliency --model models/recnn-w-qcd-simple --data w-qcd.npz --split test --jets 500 --out out/w-qcd
 * ```
 */
export function saliencyCommand(): Command {
  return new Command('saliency')
    .description(
      'gradient saliency of a RecNN: for every clustering node i of each jet, ||dL/dh_i|| / ||dL/dh_J|| (exact gradients of the binary cross-entropy of the true label, from the model\'s weights.npz), averaged per class over the Lund plane (ln 1/Delta, ln kt of the node\'s splitting); writes PREFIX-signal.svg/png, PREFIX-background.svg/png and PREFIX.json',
    )
    .requiredOption('-m, --model <dir>', 'RecNN model directory (exported by training/jets/train_recnn.py, with weights.npz)')
    .requiredOption('-d, --data <file>', 'a .npz written by jet-interp train-data (with constituents)')
    .requiredOption('-o, --out <prefix>', 'output prefix')
    .option('-s, --split <name>', 'jets of this split: train, validation, test or all', 'test')
    .option('-n, --jets <n>', 'at most this many jets per class (the first of the split)')
    .option('--bins <n>', `bins per Lund-plane axis (default ${LUND_IMAGE_DEFAULTS.lnInvDeltaBins}; ranges ln 1/Delta [${LUND_IMAGE_DEFAULTS.lnInvDeltaRange.join(', ')}], ln kt [${LUND_IMAGE_DEFAULTS.lnKtRange.join(', ')}])`)
    .option('--min-count <n>', 'leave plot bins with fewer splittings blank', '1')
    .option('--task <name>', 'task in the plot titles (default "<signal> vs <background>")')
    .option('-q, --quiet', 'no progress bar')
    .action(async (opts: SaliencyCommandOptions) => {
      await runSaliencyCommand(opts);
    });
}
