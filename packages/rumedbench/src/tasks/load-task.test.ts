import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError, LabError } from '@lab/tensor-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSample } from '../sample/synthetic-sample';
import { loadSplit, loadTask } from './load-task';
import { parseTaskList, TASK_NAMES } from './task-registry';

let sample: string;
beforeAll(async () => {
  sample = await writeSyntheticSample(mkdtempSync(join(tmpdir(), 'rmb-sample-')), 1);
});

function dataDirWith(task: string, split: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rmb-bad-'));
  mkdirSync(join(dir, task));
  writeFileSync(join(dir, task, `${split}_v1.jsonl`), content);
  return dir;
}

async function error(p: Promise<unknown>): Promise<DataFormatError> {
  return (await p.then(() => undefined, (e: unknown) => e)) as DataFormatError;
}

describe('loaders', () => {
  it('load every task of the official layout (SYNTHETIC sample)', async () => {
    for (const task of TASK_NAMES) {
      const data = await loadTask(sample, task);
      expect(data.train.items.length).toBe(240);
      expect(data.test.items.length).toBe(60);
      const item = data.train.items[0]!;
      expect(item.line).toBe(1);
      if (task === 'RuMedNER') expect(item.tokens!.length).toBe((item.gold as string[]).length);
      if (task === 'RuMedDaNet') expect(item.texts).toHaveLength(2);
    }
  });

  it('names file, line and field for broken JSON, missing fields, bad labels and lengths', async () => {
    const top3 = '{"idx": "a", "symptoms": "x", "code": "A01"}\n';
    let e = await error(loadSplit(dataDirWith('RuMedTop3', 'train', top3 + '{"idx": "b", "symptoms": \n'), 'RuMedTop3', 'train'));
    expect(e).toBeInstanceOf(DataFormatError);
    expect(e.location).toBe('line 2');
    expect(e.message).toMatch(/train_v1\.jsonl \(line 2\): broken JSON/);

    e = await error(loadSplit(dataDirWith('RuMedTop3', 'train', top3 + '{"idx": "b", "code": "A01"}\n'), 'RuMedTop3', 'train'));
    expect(e.location).toBe('line 2, field "symptoms"');

    e = await error(loadSplit(dataDirWith('RuMedDaNet', 'dev', '{"pairID": "p", "context": "c", "question": "q", "answer": "может быть"}\n'), 'RuMedDaNet', 'dev'));
    expect(e.location).toBe('line 1, field "answer"');
    expect(e.message).toContain('label "может быть" is outside the label set (да, нет)');

    e = await error(loadSplit(dataDirWith('RuMedNER', 'test', '{"idx": "s", "tokens": ["a", "b"], "ner_tags": ["O"]}\n'), 'RuMedNER', 'test'));
    expect(e.message).toContain('has 1 tags for 2 tokens');

    e = await error(loadSplit(dataDirWith('RuMedNER', 'test', '{"idx": "s", "tokens": ["a"], "ner_tags": ["B-Disease"]}\n'), 'RuMedNER', 'test'));
    expect(e.message).toContain('tag "B-Disease" at token 0 is not a RuMedNER tag');

    e = await error(loadSplit(dataDirWith('RuMedTop3', 'train', top3 + top3), 'RuMedTop3', 'train'));
    expect(e.message).toContain('duplicate idx "a"');
  });

  it('rejects empty files and says what to do about missing folders', async () => {
    const e = await error(loadSplit(dataDirWith('RuMedTop3', 'train', '\n\n'), 'RuMedTop3', 'train'));
    expect(e.message).toContain('the file is empty');
    const missing = (await error(loadSplit(sample + '-nope', 'RuMedTop3', 'train'))) as unknown as LabError;
    expect(missing.code).toBe('TASK_DATA_MISSING');
    const nli = (await error(loadSplit(mkdtempSync(join(tmpdir(), 'rmb-')), 'RuMedNLI', 'train'))) as unknown as LabError;
    expect(nli.message).toContain('credentialed data-use agreement');
  });

  it('reports unknown labels in dev/test instead of dropping them', async () => {
    const dir = dataDirWith('RuMedTop3', 'train', '{"idx": "a", "symptoms": "x", "code": "A01"}\n');
    writeFileSync(join(dir, 'RuMedTop3', 'dev_v1.jsonl'), '{"idx": "d", "symptoms": "x", "code": "Z99"}\n');
    writeFileSync(join(dir, 'RuMedTop3', 'test_v1.jsonl'), '{"idx": "t", "symptoms": "x", "code": "A01"}\n');
    const data = await loadTask(dir, 'RuMedTop3');
    expect(data.dev.items).toHaveLength(1);
    expect([...data.dev.unknownLabels]).toEqual([['Z99', 1]]);
  });

  it('parses task lists', () => {
    expect(parseTaskList('all')).toEqual([...TASK_NAMES]);
    expect(parseTaskList('rumedtop3, RuMedNER')).toEqual(['RuMedTop3', 'RuMedNER']);
    expect(() => parseTaskList('RuMedQA')).toThrow('Unknown task "RuMedQA"');
  });
});
