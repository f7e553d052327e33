import { describe, expect, it } from 'vitest';
import { formatResultTable, parseTableFormat } from './result-table';

describe('formatResultTable', () => {
  const table = { columns: ['observable', 'R² · w|qcd'], rows: [['mass', 0.91234], ['tau21, β=1', null]], digits: 2 };
  it('renders Markdown with escaped pipes and a dash for empty cells', () => {
    expect(formatResultTable(table, 'md')).toBe('| observable | R² · w\\|qcd |\n| --- | --- |\n| mass | 0.91 |\n| tau21, β=1 | – |\n');
  });
  it('renders CSV with RFC 4180 quoting and JSON with unrounded numbers', () => {
    expect(formatResultTable(table, 'csv')).toBe('observable,R² · w|qcd\nmass,0.91\n"tau21, β=1",\n');
    expect(JSON.parse(formatResultTable(table, 'json'))).toEqual([{ observable: 'mass', 'R² · w|qcd': 0.91234 }, { observable: 'tau21, β=1', 'R² · w|qcd': null }]);
  });
  it('rejects unknown formats and ragged rows', () => {
    expect(() => parseTableFormat('xlsx')).toThrow(/Supported: md, csv, json/);
    expect(() => formatResultTable({ columns: ['a', 'b'], rows: [[1]] }, 'md')).toThrow(/row 0 has 1 cells for 2 columns/);
  });
});
