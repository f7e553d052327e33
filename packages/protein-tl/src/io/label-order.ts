/**
 * The fixed label-order file: one family accession per line; line i (1-based) is class index i - 1.
 * @packageDocumentation
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError } from '@lab/tensor-core';
import { ProteinFormatError } from '../errors/protein-format-error';
import { splitLines } from './text-source';

/**
 * Parses the text of a label-order file.
 *
 * @remarks `\n` and `\r\n` line endings are accepted, and one final line ending. Each problem throws
 * {@link ProteinFormatError} with its 1-based line: an empty line (`empty-line`, also a blank line at the end), a
 * label with whitespace (`invalid-label`), a repeated label (`duplicate-label`, naming the first line) and a file
 * without labels (`empty-file`).
 *
 * @param text - the file's text
 * @param source - the file name for error messages @default '<text>'
 * @returns the labels, in order
 * @example
 * ```ts
 * parseLabelOrder('PF00001.21\nPF00002.24\n'); // ['PF00001.21', 'PF00002.24']
 * ```
 */
export function parseLabelOrder(text: string, source = '<text>'): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = splitLines(body);
  const first = new Map<string, number>();
  lines.forEach((label, i) => {
    const line = i + 1;
    if (label.trim() === '') {
      throw new ProteinFormatError(source, 'empty-line', 'empty line; a label-order file has exactly one label per line, without blank lines.', { line });
    }
    const ws = /\s/.exec(label);
    if (ws) {
      throw new ProteinFormatError(source, 'invalid-label', `the label "${label}" contains whitespace; write one label per line without spaces.`, {
        line,
        column: ws.index + 1,
      });
    }
    const seen = first.get(label);
    if (seen !== undefined) {
      throw new ProteinFormatError(source, 'duplicate-label', `the label "${label}" is already on line ${seen}; each label appears once.`, { line, record: label });
    }
    first.set(label, line);
  });
  if (lines.length === 0) throw new ProteinFormatError(source, 'empty-file', 'the label-order file has no labels.');
  return lines;
}

/**
 * Reads a label-order file (see {@link parseLabelOrder} for the checks).
 * @param path - the file
 * @returns the labels, in order
 * @example
 * ```ts
 * const labels = await readLabelOrder('models/pfam-head/labels.txt');
 * ```
 */
export async function readLabelOrder(path: string): Promise<string[]> {
  return parseLabelOrder(await readFile(path, 'utf8'), path);
}

/**
 * Formats labels as a label-order file: one per line, `\n` after each.
 * @param labels - the labels, in class-index order
 * @returns the text
 * @throws InvalidArgumentError for an empty or repeated label, or one with whitespace
 * @example
 * ```ts
 * formatLabelOrder(['PF00001.21', 'PF00002.24']); // 'PF00001.21\nPF00002.24\n'
 * ```
 */
export function formatLabelOrder(labels: readonly string[]): string {
  const seen = new Set<string>();
  labels.forEach((label, i) => {
    if (label === '' || /\s/.test(label)) {
      throw new InvalidArgumentError('labels', `Label ${i} ("${label}") must be non-empty and contain no whitespace.`);
    }
    if (seen.has(label)) throw new InvalidArgumentError('labels', `Label ${i} ("${label}") appears twice.`);
    seen.add(label);
  });
  if (labels.length === 0) throw new InvalidArgumentError('labels', 'No labels to write.');
  return labels.map((l) => `${l}\n`).join('');
}

/**
 * Writes a label-order file atomically (a temporary file renamed into place).
 * @param path - the file
 * @param labels - the labels, in class-index order
 * @throws InvalidArgumentError as {@link formatLabelOrder}
 * @example
 * ```ts
 * await writeLabelOrder('labels.txt', index.labels);
 * ```
 */
export async function writeLabelOrder(path: string, labels: readonly string[]): Promise<void> {
  const text = formatLabelOrder(labels);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, path);
}
