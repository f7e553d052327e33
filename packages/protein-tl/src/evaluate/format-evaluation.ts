/**
 * The study's tables from {@link EvaluationRow}s: Table 1 (error rate and number of errors, rows method × embedding) and
 * Table 2 (weighted precision, recall, F1), as Markdown; or the rows as JSON.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import type { EvaluationRow } from './evaluate-heads';

/** Output formats of `protein-tl evaluate`. */
export const EVALUATION_FORMATS = Object.freeze(['md', 'json'] as const);
/** `md` (the study's tables) or `json` (an array of rows). */
export type EvaluationFormat = (typeof EVALUATION_FORMATS)[number];

/**
 * Checks a `--format` value.
 * @param text - `md` or `json`
 * @returns the format
 * @throws InvalidArgumentError naming the valid formats
 * @example
 * ```ts
 * parseEvaluationFormat('json'); // 'json'
 * ```
 */
export function parseEvaluationFormat(text: string): EvaluationFormat {
  if (!(EVALUATION_FORMATS as readonly string[]).includes(text)) throw new InvalidArgumentError('format', `Unknown format "${text}". Supported: ${EVALUATION_FORMATS.join(', ')}.`);
  return text as EvaluationFormat;
}

/**
 * Formats evaluation rows: JSON (an array of `{method, embedding, error_rate, errors, precision, recall, f1_weighted}`,
 * error_rate in %) or Markdown (Table 1: method × embedding with error rate and errors; Table 2: precision, recall,
 * weighted F1).
 * @param rows - the rows, in table order
 * @param format - `md` or `json`
 * @param options - Markdown only: a heading suffix (e.g. the split) and the number of test sequences
 * @returns the text, ending with a newline
 * @example
 * ```ts
 * process.stdout.write(formatEvaluation(rows, 'md', { title: 'train_100 → test_100', testSequences: 1611 }));
 * ```
 */
export function formatEvaluation(rows: readonly EvaluationRow[], format: EvaluationFormat, options: { title?: string; testSequences?: number } = {}): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  const { title, testSequences } = options;
  const lines: string[] = [];
  const heading = title ? ` — ${title}` : '';
  lines.push(`### Table 1: error rate${heading}`, '');
  lines.push('| Method | Embedding | Error rate (%) | Errors |', '| --- | --- | ---: | ---: |');
  for (const r of rows) lines.push(`| ${r.method} | ${r.embedding} | ${r.error_rate.toFixed(2)} | ${r.errors} |`);
  lines.push('');
  if (testSequences !== undefined) lines.push(`Test sequences: ${testSequences}.`, '');
  lines.push(`### Table 2: precision, recall and weighted F1${heading}`, '');
  lines.push('| Method | Embedding | Precision | Recall | F1 (weighted) |', '| --- | --- | ---: | ---: | ---: |');
  for (const r of rows) lines.push(`| ${r.method} | ${r.embedding} | ${r.precision.toFixed(4)} | ${r.recall.toFixed(4)} | ${r.f1_weighted.toFixed(4)} |`);
  return `${lines.join('\n')}\n`;
}
