import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DataFormatError, LabError } from '@lab/tensor-core';
import { TASKS, type Split, type TaskName, type TaskSpec } from './task-registry';

/** One validated item of any task. `texts` holds the task's text fields in order; `tokens` only for NER. */
export interface TaskItem {
  id: string;
  texts: string[];
  tokens?: string[];
  /** Gold label (string) or tag list (NER); undefined when the split has no gold (private test sets). */
  gold: string | string[] | undefined;
  /** 1-based line number in the source file. */
  line: number;
}

/** A loaded split with what the loader noticed. */
export interface LoadedSplit {
  task: TaskName;
  split: Split;
  file: string;
  items: TaskItem[];
  /** Labels outside the task's closed set are errors; for open label sets (codes) this lists gold labels absent from `knownLabels`. */
  unknownLabels: Map<string, number>;
}

/** Options of {@link loadSplit}. */
export interface LoadSplitOptions {
  /** Allow items without the gold field (e.g. a private test set). @default false */
  allowMissingGold?: boolean;
  /** Labels seen in training; gold labels outside it are counted in `unknownLabels` (open label sets only). */
  knownLabels?: ReadonlySet<string>;
}

/** Path of `<dir>/<Task>/<split>_v1.jsonl`. */
export function splitPath(dataDir: string, task: TaskName, split: Split): string {
  return join(dataDir, task, `${split}_v1.jsonl`);
}

/**
 * Streams one JSONL split of the official layout and validates every line.
 * @param dataDir - directory holding one folder per task
 * @throws DataFormatError naming the file, the line and the field for malformed input; LabError `TASK_DATA_MISSING`
 *   when the folder or file is absent (with what to do, e.g. for RuMedNLI's credentialed data)
 */
export async function loadSplit(dataDir: string, task: TaskName, split: Split, options: LoadSplitOptions = {}): Promise<LoadedSplit> {
  const spec = TASKS[task];
  const file = splitPath(dataDir, task, split);
  const folder = join(dataDir, task);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    const hint = spec.userSupplied
      ? `${task} derives from MIMIC and is distributed under a credentialed data-use agreement; put your copy at ${folder}/{train,dev,test}_v1.jsonl.`
      : `Expected the official layout ${dataDir}/<Task>/{train,dev,test}_v1.jsonl.`;
    throw new LabError('TASK_DATA_MISSING', `Task folder not found: ${folder}. ${hint}`);
  }
  if (!existsSync(file)) throw new LabError('TASK_DATA_MISSING', `Split file not found: ${file}. Expected ${split}_v1.jsonl in ${folder}.`);
  const items: TaskItem[] = [];
  const unknownLabels = new Map<string, number>();
  const seen = new Set<string>();
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    if (raw.trim() === '') continue;
    const item = parseLine(spec, raw, file, lineNo, options);
    if (seen.has(item.id)) throw new DataFormatError(file, `duplicate ${spec.idField} "${item.id}"`, `line ${lineNo}, field "${spec.idField}"`);
    seen.add(item.id);
    if (options.knownLabels && typeof item.gold === 'string' && !options.knownLabels.has(item.gold)) {
      unknownLabels.set(item.gold, (unknownLabels.get(item.gold) ?? 0) + 1);
    }
    items.push(item);
  }
  if (items.length === 0) throw new DataFormatError(file, 'the file is empty; every split needs at least one JSON line');
  return { task, split, file, items, unknownLabels };
}

/**
 * Parses and validates one JSONL line of a task.
 * @throws DataFormatError with file, line and field
 */
export function parseLine(spec: TaskSpec, raw: string, file: string, line: number, options: LoadSplitOptions = {}): TaskItem {
  const where = (field?: string) => `line ${line}${field ? `, field "${field}"` : ''}`;
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(raw) as Record<string, unknown>;
  } catch (e) {
    throw new DataFormatError(file, `broken JSON (${(e as Error).message})`, where());
  }
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) throw new DataFormatError(file, 'each line must be a JSON object', where());
  const id = rec[spec.idField];
  if (typeof id !== 'string' && typeof id !== 'number') throw new DataFormatError(file, `missing or non-string id`, where(spec.idField));
  const goldRaw = rec[spec.goldField];
  if (spec.kind === 'tagging') {
    const tokens = rec.tokens;
    if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string')) throw new DataFormatError(file, 'must be a list of strings', where('tokens'));
    if (tokens.length === 0) throw new DataFormatError(file, 'must not be empty', where('tokens'));
    let gold: string[] | undefined;
    if (goldRaw === undefined && options.allowMissingGold) gold = undefined;
    else {
      if (!Array.isArray(goldRaw) || goldRaw.some((t) => typeof t !== 'string')) throw new DataFormatError(file, 'must be a list of IOB tags', where(spec.goldField));
      if (goldRaw.length !== tokens.length) throw new DataFormatError(file, `has ${goldRaw.length} tags for ${tokens.length} tokens`, where(spec.goldField));
      const bad = (goldRaw as string[]).findIndex((t) => !spec.labels!.includes(t));
      if (bad >= 0) throw new DataFormatError(file, `tag "${goldRaw[bad]}" at token ${bad} is not a RuMedNER tag (${spec.labels!.join(', ')})`, where(spec.goldField));
      gold = goldRaw as string[];
    }
    return { id: String(id), texts: [(tokens as string[]).join(' ')], tokens: tokens as string[], gold, line };
  }
  const texts = spec.textFields.map((f) => {
    const v = rec[f];
    if (typeof v !== 'string') throw new DataFormatError(file, 'missing or not a string', where(f));
    return v;
  });
  let gold: string | undefined;
  if (goldRaw === undefined && options.allowMissingGold) gold = undefined;
  else {
    if (typeof goldRaw !== 'string' || goldRaw === '') throw new DataFormatError(file, 'missing or not a non-empty string', where(spec.goldField));
    if (spec.labels && !spec.labels.includes(goldRaw)) {
      throw new DataFormatError(file, `label "${goldRaw}" is outside the label set (${spec.labels.join(', ')})`, where(spec.goldField));
    }
    gold = goldRaw;
  }
  return { id: String(id), texts, gold, line };
}

/** All three splits of a task. */
export interface TaskData {
  task: TaskName;
  train: LoadedSplit;
  dev: LoadedSplit;
  test: LoadedSplit;
}

/**
 * Loads train, dev and test of a task; dev/test gold labels unseen in training are reported in `unknownLabels`.
 */
export async function loadTask(dataDir: string, task: TaskName, options: { allowMissingTestGold?: boolean } = {}): Promise<TaskData> {
  const train = await loadSplit(dataDir, task, 'train');
  const knownLabels = TASKS[task].labels ? undefined : new Set(train.items.map((i) => i.gold as string));
  const dev = await loadSplit(dataDir, task, 'dev', knownLabels ? { knownLabels } : {});
  const test = await loadSplit(dataDir, task, 'test', { ...(knownLabels ? { knownLabels } : {}), allowMissingGold: options.allowMissingTestGold ?? false });
  return { task, train, dev, test };
}
