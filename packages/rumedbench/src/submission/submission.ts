import { createReadStream, existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DataFormatError, LabError } from '@lab/tensor-core';
import { TASKS, type TaskName } from '../tasks/task-registry';
import type { TaskItem } from '../tasks/load-task';
import type { Prediction } from '../metrics/task-scores';

/** One line of a submission file. */
export interface SubmissionRow {
  id: string;
  gold: string | string[] | undefined;
  prediction: Prediction;
  line: number;
}

/** Path of `<out>/<Task>.jsonl`. */
export function submissionPath(outDir: string, task: TaskName): string {
  return join(outDir, `${task}.jsonl`);
}

/**
 * Checks the shape of one prediction: 3 codes for Top3/SymptomRec, a label of the set for DaNet/NLI, a tag list as
 * long as the tokens for NER.
 * @returns a problem description, or undefined when valid
 */
export function predictionProblem(task: TaskName, prediction: unknown, tokens?: number): string | undefined {
  const spec = TASKS[task];
  if (spec.kind === 'ranking') {
    if (!Array.isArray(prediction) || prediction.some((p) => typeof p !== 'string')) return 'must be a list of 3 codes';
    if (prediction.length !== 3) return `must list exactly 3 codes, found ${prediction.length}`;
    return undefined;
  }
  if (spec.kind === 'pair') {
    if (typeof prediction !== 'string') return 'must be a label string';
    if (!spec.labels!.includes(prediction)) return `"${prediction}" is not one of ${spec.labels!.join(', ')}`;
    return undefined;
  }
  if (!Array.isArray(prediction) || prediction.some((p) => typeof p !== 'string')) return 'must be a list of IOB tags';
  if (tokens !== undefined && prediction.length !== tokens) return `has ${prediction.length} tags for ${tokens} tokens`;
  const bad = (prediction as string[]).find((t) => !spec.labels!.includes(t));
  if (bad !== undefined) return `tag "${bad}" is not a RuMedNER tag`;
  return undefined;
}

/**
 * Writes `<out>/<Task>.jsonl`: one line per test item with the id field, the gold field and `prediction`, the
 * layout the official evaluator reads. Written to a temporary file and renamed into place.
 * @throws DataFormatError when a prediction has the wrong shape (the file is not written)
 */
export async function writeSubmission(outDir: string, task: TaskName, items: readonly TaskItem[], predictions: readonly Prediction[]): Promise<string> {
  const spec = TASKS[task];
  const path = submissionPath(outDir, task);
  if (items.length !== predictions.length) throw new LabError('SUBMISSION_SIZE', `${task}: ${items.length} items but ${predictions.length} predictions; nothing written.`);
  const lines = items.map((item, i) => {
    const problem = predictionProblem(task, predictions[i], item.tokens?.length);
    if (problem) throw new DataFormatError(path, `prediction ${problem}`, `item ${item.id}, field "prediction"`);
    const rec: Record<string, unknown> = { [spec.idField]: item.id };
    if (item.gold !== undefined) rec[spec.goldField] = item.gold;
    rec.prediction = predictions[i];
    return JSON.stringify(rec);
  });
  await mkdir(outDir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, lines.join('\n') + '\n', 'utf8');
  await rename(tmp, path);
  return path;
}

/**
 * Reads and validates a submission file.
 * @throws DataFormatError naming file, line and field (broken JSON, missing id, bad prediction, duplicate id)
 */
export async function readSubmission(path: string, task: TaskName): Promise<SubmissionRow[]> {
  const spec = TASKS[task];
  if (!existsSync(path)) throw new LabError('SUBMISSION_MISSING', `Submission file not found: ${path}. Write it with \`rumedbench run\` or name the right --pred-dir.`);
  const rows: SubmissionRow[] = [];
  const seen = new Set<string>();
  let line = 0;
  for await (const raw of createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    line++;
    if (raw.trim() === '') continue;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(raw) as Record<string, unknown>;
    } catch (e) {
      throw new DataFormatError(path, `broken JSON (${(e as Error).message})`, `line ${line}`);
    }
    const id = rec[spec.idField];
    if (typeof id !== 'string' && typeof id !== 'number') throw new DataFormatError(path, 'missing id', `line ${line}, field "${spec.idField}"`);
    if (seen.has(String(id))) throw new DataFormatError(path, `duplicate id "${id}"`, `line ${line}, field "${spec.idField}"`);
    seen.add(String(id));
    if (!('prediction' in rec)) throw new DataFormatError(path, 'missing', `line ${line}, field "prediction"`);
    const gold = rec[spec.goldField] as string | string[] | undefined;
    const problem = predictionProblem(task, rec.prediction, Array.isArray(gold) ? gold.length : undefined);
    if (problem) throw new DataFormatError(path, `prediction ${problem}`, `line ${line}, field "prediction"`);
    rows.push({ id: String(id), gold, prediction: rec.prediction as Prediction, line });
  }
  if (rows.length === 0) throw new DataFormatError(path, 'the submission is empty');
  return rows;
}

/**
 * Aligns a submission with the gold test items: every test id must appear exactly once and no other id may appear,
 * so that a partial submission is never scored silently.
 * @returns predictions in the order of `items`
 * @throws LabError `SUBMISSION_IDS` listing missing and extra ids
 */
export function alignSubmission(path: string, task: TaskName, items: readonly TaskItem[], rows: readonly SubmissionRow[]): Prediction[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = items.filter((i) => !byId.has(i.id)).map((i) => i.id);
  const ids = new Set(items.map((i) => i.id));
  const extra = rows.filter((r) => !ids.has(r.id)).map((r) => r.id);
  if (missing.length || extra.length) {
    const show = (xs: string[]) => `${xs.slice(0, 5).join(', ')}${xs.length > 5 ? `, … (${xs.length} in all)` : ''}`;
    throw new LabError(
      'SUBMISSION_IDS',
      `${path}: ${missing.length ? `${missing.length} test ids missing (${show(missing)})` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `${extra.length} ids not in the test set (${show(extra)})` : ''}. A ${task} submission must have exactly one line per test item.`,
    );
  }
  return items.map((item) => {
    const row = byId.get(item.id)!;
    if (item.tokens && Array.isArray(row.prediction) && row.prediction.length !== item.tokens.length) {
      throw new DataFormatError(path, `prediction has ${row.prediction.length} tags for ${item.tokens.length} tokens`, `line ${row.line}, field "prediction"`);
    }
    return row.prediction;
  });
}
