/**
 * The `jet-interp cluster` command: inclusive jets of every event of a FastJet text file, one line per jet.
 * @packageDocumentation
 */
import { stat } from 'node:fs/promises';
import { InvalidArgumentError, throttleProgress, type WithProgress } from '@lab/tensor-core';
import { ClusterSequence } from '../cluster/cluster-sequence';
import type { ClusterNode } from '../cluster/cluster-node';
import type { JetDefinition } from '../cluster/jet-definition';
import { formatG } from '../format/format-g';
import { readFastJetEvents } from '../io/fastjet-text';

/** Significant digits of the printed numbers. */
export const CLUSTER_OUTPUT_DIGITS = 10;

/**
 * One jet as the `cluster` command prints it: `pt rapidity phi mass n_constituents`, numbers with 10 significant digits
 * (C's `%.10g`), φ in [0, 2π).
 * @param jet - the jet
 * @returns the line, without a newline
 */
export function formatJetLine(jet: ClusterNode): string {
  return `${formatG(jet.pt, CLUSTER_OUTPUT_DIGITS)} ${formatG(jet.rapidity, CLUSTER_OUTPUT_DIGITS)} ${formatG(jet.phi, CLUSTER_OUTPUT_DIGITS)} ${formatG(jet.mass, CLUSTER_OUTPUT_DIGITS)} ${jet.constituentCount}`;
}

/** Options of {@link clusterFile}. */
export interface ClusterFileOptions extends WithProgress {
  /** Transverse-momentum cut (GeV). */
  ptMin: number;
}

/**
 * Clusters every event of a FastJet text file (plain or gzip) and writes, per event, one line per inclusive jet above
 * ptMin, hardest first, then `#END`. Progress is reported in bytes of the file read.
 * @param file - the event file
 * @param definition - the jet definition
 * @param options - ptMin and progress
 * @param write - receives the output text in chunks (return a promise to apply back-pressure)
 * @returns the numbers of events and jets
 */
export async function clusterFile(file: string, definition: JetDefinition, options: ClusterFileOptions, write: (text: string) => void | Promise<void>): Promise<{ events: number; jets: number }> {
  if (typeof options.ptMin !== 'number' || !Number.isFinite(options.ptMin) || options.ptMin < 0) {
    throw new InvalidArgumentError('ptmin', `--ptmin must be a finite number ≥ 0; received ${String(options.ptMin)}.`);
  }
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (e) {
    throw new InvalidArgumentError('FILE', `Cannot read the event file ${file}: ${(e as Error).message}`, { cause: e });
  }
  const progress = throttleProgress(options.onProgress);
  progress({ completed: 0, total: size, label: 'bytes' });
  let events = 0;
  let jets = 0;
  let buffer: string[] = [];
  let bytes = 0;
  try {
    for await (const event of readFastJetEvents(file, { onBytes: (b) => (bytes = b) })) {
      for (const jet of new ClusterSequence(event, definition).inclusiveJets(options.ptMin)) {
        buffer.push(formatJetLine(jet), '\n');
        jets++;
      }
      buffer.push('#END\n');
      events++;
      if (buffer.length > 4096) {
        await write(buffer.join(''));
        buffer = [];
      }
      progress({ completed: Math.min(bytes, size), total: size, label: 'bytes', metrics: { events } });
    }
  } finally {
    // the events before a bad one are still printed
    if (buffer.length) await write(buffer.join(''));
  }
  progress({ completed: size, total: size, label: 'bytes', metrics: { events } });
  return { events, jets };
}
