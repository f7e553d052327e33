import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, LabError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { UnknownLabelError } from '../errors/unknown-label-error';
import { expectFormatError } from '../io/expect-error.test-helper';
import { formatLabelOrder, parseLabelOrder, readLabelOrder } from '../io/label-order';
import { LabelIndex } from './label-index';

describe('label-order file', () => {
  it('reads one label per line, with LF or CRLF and an optional final line ending', () => {
    expect(parseLabelOrder('PF00001.21\nPF00002.24\n')).toEqual(['PF00001.21', 'PF00002.24']);
    expect(parseLabelOrder('PF00001.21\r\nPF00002.24')).toEqual(['PF00001.21', 'PF00002.24']);
  });

  it('rejects empty lines, whitespace, duplicates and empty files, naming the line', async () => {
    const empty = await expectFormatError(() => parseLabelOrder('PF1.1\n\nPF2.1\n', 'labels.txt'), 'empty-line');
    expect([empty.file, empty.line]).toEqual(['labels.txt', 2]);
    const trailing = await expectFormatError(() => parseLabelOrder('PF1.1\nPF2.1\n\n'), 'empty-line');
    expect(trailing.line).toBe(3);
    const ws = await expectFormatError(() => parseLabelOrder('PF1.1\nPF2.1 \n'), 'invalid-label');
    expect([ws.line, ws.column]).toEqual([2, 6]);
    const dup = await expectFormatError(() => parseLabelOrder('PF1.1\nPF2.1\nPF1.1\n'), 'duplicate-label');
    expect([dup.line, dup.record]).toEqual([3, 'PF1.1']);
    expect(dup.message).toContain('already on line 1');
    await expectFormatError(() => parseLabelOrder(''), 'empty-file');
  });

  it('writes what it reads, refusing labels it could not write', async () => {
    const labels = ['PF2.1', 'PF1.1'];
    expect(parseLabelOrder(formatLabelOrder(labels))).toEqual(labels);
    expect(() => formatLabelOrder(['a', 'a'])).toThrow(InvalidArgumentError);
    expect(() => formatLabelOrder(['a b'])).toThrow(/whitespace/);
    expect(() => formatLabelOrder([])).toThrow(/No labels/);
    const dir = mkdtempSync(join(tmpdir(), 'labels-'));
    await LabelIndex.fromLabels(labels).write(join(dir, 'labels.txt'));
    expect(readFileSync(join(dir, 'labels.txt'), 'utf8')).toBe('PF1.1\nPF2.1\n');
    expect((await LabelIndex.read(join(dir, 'labels.txt'))).labels).toEqual(['PF1.1', 'PF2.1']);
    writeFileSync(join(dir, 'bad.txt'), 'PF1.1\nPF1.1\n');
    const err = await expectFormatError(() => readLabelOrder(join(dir, 'bad.txt')), 'duplicate-label');
    expect(err.file).toBe(join(dir, 'bad.txt'));
  });
});

describe('LabelIndex', () => {
  const index = new LabelIndex(['PF00002.24', 'PF00001.21', 'PF00003.9']);

  it('maps labels to indices in file order and back', () => {
    expect(index.size).toBe(3);
    expect(index.indexOf('PF00001.21')).toBe(1);
    expect(index.labelAt(2)).toBe('PF00003.9');
    expect(Array.from(index.encode(['PF00003.9', 'PF00002.24']))).toEqual([2, 0]);
    expect(index.decode(Int32Array.from([1, 1, 0]))).toEqual(['PF00001.21', 'PF00001.21', 'PF00002.24']);
    expect(index.has('PF00004.1')).toBe(false);
    expect(LabelIndex.fromLabels(['b', 'a', 'b']).labels).toEqual(['a', 'b']);
  });

  it('explains unknown labels and how to fix them', () => {
    let caught: unknown;
    try {
      index.indexOf('PF00001.20', 'test_1.csv line 5');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UnknownLabelError);
    const err = caught as UnknownLabelError;
    expect(LabError.isInstance(err)).toBe(true);
    expect(err.code).toBe('UNKNOWN_LABEL');
    expect([err.label, err.suggestion]).toEqual(['PF00001.20', 'PF00001.21']);
    expect(err.message).toContain('(test_1.csv line 5)');
    expect(err.message).toContain('not among the 3 labels');
    expect(err.message).toContain('add it to the label-order file');
    expect(() => index.encode(['PF00001.21', 'PF09999.1'])).toThrow(/item 1/);
    expect(new UnknownLabelError('x', 3).suggestion).toBeUndefined();
  });

  it('rejects bad indices and bad label lists', () => {
    expect(() => index.labelAt(3)).toThrow(InvalidArgumentError);
    expect(() => index.labelAt(0.5)).toThrow(/0\.\.2/);
    expect(() => new LabelIndex(['a', 'a'])).toThrow(InvalidArgumentError);
    expect(() => new LabelIndex([])).toThrow(InvalidArgumentError);
  });
});
