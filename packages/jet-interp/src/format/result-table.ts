/**
 * Result tables (probing R², transfer AUCs) as Markdown, CSV or JSON.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';

/** Output formats of result tables. */
export const TABLE_FORMATS = Object.freeze(['md', 'csv', 'json'] as const);
/** One of {@link TABLE_FORMATS}. */
export type TableFormat = (typeof TABLE_FORMATS)[number];

/** A table: named columns and rows of cells (numbers are printed with `digits` decimals in Markdown and CSV). */
export interface ResultTable {
  /** Column headers. */
  columns: string[];
  /** Cells, one array per row, in column order; `null` prints as an empty cell (Markdown: "–"). */
  rows: (string | number | null)[][];
  /** Decimals of numbers in Markdown/CSV. @default 3 */
  digits?: number;
}

/**
 * Checks a table format name.
 * @param value - `md`, `csv` or `json`
 * @returns the format
 * @throws InvalidArgumentError listing the formats
 * @example
 * ```ts
 * parseTableFormat('md'); // 'md'
 * ```
 */
export function parseTableFormat(value: string): TableFormat {
  if ((TABLE_FORMATS as readonly string[]).includes(value)) return value as TableFormat;
  throw new InvalidArgumentError('format', `Unsupported table format "${value}". Supported: ${TABLE_FORMATS.join(', ')}.`);
}

function cell(v: string | number | null, digits: number, empty: string): string {
  if (v === null) return empty;
  if (typeof v === 'number') return Number.isFinite(v) ? v.toFixed(digits) : String(v);
  return v;
}

function csvQuote(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Renders a table.
 * @param table - columns and rows
 * @param format - `md` (GitHub Markdown), `csv` (RFC 4180 quoting) or `json` (an array of objects keyed by column, numbers unrounded)
 * @returns the text, ending with a newline
 * @example
 * ```ts
 * formatResultTable({ columns: ['observable', 'W/QCD'], rows: [['mass', 0.91234]] }, 'md');
 * // | observable | W/QCD |\n| --- | --- |\n| mass | 0.912 |\n
 * ```
 */
export function formatResultTable(table: ResultTable, format: TableFormat): string {
  const digits = table.digits ?? 3;
  for (const [i, row] of table.rows.entries()) {
    if (row.length !== table.columns.length) throw new InvalidArgumentError('rows', `row ${i} has ${row.length} cells for ${table.columns.length} columns.`);
  }
  if (format === 'json') {
    const objects = table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i] ?? null])));
    return `${JSON.stringify(objects, null, 2)}\n`;
  }
  if (format === 'csv') {
    const lines = [table.columns.map(csvQuote).join(','), ...table.rows.map((row) => row.map((v) => csvQuote(cell(v, digits, ''))).join(','))];
    return `${lines.join('\n')}\n`;
  }
  if (format !== 'md') parseTableFormat(format);
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `| ${table.columns.map(esc).join(' | ')} |`,
    `| ${table.columns.map(() => '---').join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map((v) => esc(cell(v, digits, '–'))).join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}
