#!/usr/bin/env node
/**
 * `rumedbench` command line: run baselines and evaluate submissions.
 * @packageDocumentation
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { InvalidArgumentError, LabError } from '@lab/tensor-core';
import { createCliProgress } from '@lab/tensor-core/cli-progress';
import { version } from '../package.json';
import { baselineNames, createBaseline } from './baselines/baseline-registry';
import { evaluateSubmissions } from './evaluation/evaluate';
import { runBaseline } from './evaluation/run-baseline';
import { formatMarkdownTable, pct, type BenchmarkScore } from './metrics/task-scores';
import { writeSyntheticSample } from './sample/synthetic-sample';
import { parseTaskList, TASKS, type TaskName } from './tasks/task-registry';
import { loadTask } from './tasks/load-task';
import { writeBilstmArrays } from './neural/bilstm-features';
import { writeBertArrays } from './bert/bert-features';
import type { TaskData } from './tasks/load-task';

const program = new Command();
program.name('rumedbench').description('RuMedBench: run baselines and evaluate submissions.').version(version);

function report(name: string, score: BenchmarkScore, format: string): string {
  if (format === 'json') {
    return JSON.stringify(
      {
        model: name,
        tasks: Object.fromEntries(score.tasks.map((t) => [t.task, { acc: round(t.acc), ...(t.hit3 !== undefined ? { hit3: round(t.hit3) } : {}), ...(t.f1 !== undefined ? { f1: round(t.f1) } : {}), score: round(t.score), items: t.items }])),
        overall: round(score.overall),
        overallScored: round(score.overallScored),
        missing: score.missing,
      },
      null,
      2,
    );
  }
  return formatMarkdownTable(name, score);
}
const round = (v: number) => Number(pct(v));

program
  .command('run')
  .description('train a baseline on each task, predict dev and test, write <out>/<Task>.jsonl, and print the scores')
  .requiredOption('-b, --baseline <name>', `one of: ${baselineNames().join(', ')}`)
  .option('-t, --tasks <list>', 'all, or a comma-separated list of tasks', 'all')
  .requiredOption('-d, --data-dir <dir>', 'directory with <Task>/{train,dev,test}_v1.jsonl')
  .requiredOption('-o, --out <dir>', 'where to write the test submissions')
  .option('-f, --format <format>', 'md or json', 'md')
  .option('--seed <n>', 'random seed', '0')
  .option('--models-dir <dir>', 'bilstm/bert: directory with bilstm-<task>/ or bert-<task>/ models (default: the shipped models)')
  .option('--bert-encoder <dir>', 'bert: an encoder export (e.g. a converted Hugging Face BERT); tasks without a fine-tuned model fit logistic regression on its sentence vectors')
  .option('--pooling <mode>', 'bert: sentence-vector pooling with --bert-encoder, cls or mean', 'mean')
  .option('--device <device>', 'bilstm/bert: cpu, cuda or auto', 'cpu')
  .option('-q, --quiet', 'no progress bar')
  .action(async (opts: { baseline: string; tasks: string; dataDir: string; out: string; format: string; seed: string; quiet?: boolean; modelsDir?: string; bertEncoder?: string; pooling: string; device: string }) => {
    if (opts.pooling !== 'cls' && opts.pooling !== 'mean') throw new InvalidArgumentError('pooling', `--pooling must be cls or mean, received "${opts.pooling}".`);
    const baseline = createBaseline(opts.baseline, {
      device: opts.device,
      pooling: opts.pooling,
      ...(opts.modelsDir ? { modelsDir: opts.modelsDir } : {}),
      ...(opts.bertEncoder ? { encoderDir: opts.bertEncoder } : {}),
    });
    const tasks = parseTaskList(opts.tasks);
    const bar = createCliProgress(`${opts.baseline}`, { enabled: !opts.quiet });
    const result = await runBaseline(baseline, opts.dataDir, tasks, { outDir: opts.out, onProgress: bar.onProgress, seed: Number(opts.seed) });
    bar.stop();
    for (const s of result.skipped) process.stderr.write(`skipped ${s.task}: ${s.reason}\n`);
    console.log(`\nDev:\n${report(opts.baseline, result.dev, opts.format)}`);
    console.log(`\nTest:\n${report(opts.baseline, result.test, opts.format)}`);
    console.log(`\nSubmissions written to ${opts.out}; seconds per task: ${Object.entries(result.seconds).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  });

program
  .command('eval')
  .description('score <pred-dir>/<Task>.jsonl against the gold test sets')
  .requiredOption('-p, --pred-dir <dir>', 'directory with <Task>.jsonl submissions')
  .requiredOption('-d, --data-dir <dir>', 'directory with <Task>/test_v1.jsonl')
  .option('-t, --tasks <list>', 'all, or a comma-separated list of tasks', 'all')
  .option('-f, --format <format>', 'md or json', 'md')
  .option('-n, --name <name>', 'row name in the table', 'submission')
  .option('--write <file>', 'also write the report to a file')
  .action(async (opts: { predDir: string; dataDir: string; tasks: string; format: string; name: string; write?: string }) => {
    const result = await evaluateSubmissions(opts.predDir, opts.dataDir, parseTaskList(opts.tasks));
    for (const s of result.skipped) process.stderr.write(`skipped ${s.task}: ${s.reason}\n`);
    const text = report(opts.name, result, opts.format);
    console.log(text);
    if (opts.write) await writeFile(opts.write, text + '\n');
  });

program
  .command('sample')
  .description('write the SYNTHETIC sample data set (official layout) used by the demo and tests')
  .requiredOption('-o, --out <dir>', 'output directory')
  .option('--seed <n>', 'random seed', '0')
  .action(async (opts: { out: string; seed: string }) => {
    await writeSyntheticSample(opts.out, Number(opts.seed));
    console.log(`wrote a SYNTHETIC sample to ${opts.out}`);
  });

program
  .command('bilstm-data')
  .description('write the BiLSTM training arrays (<Task>.npz, vocab, labels) that training/rumedbench/train_bilstm.py reads')
  .requiredOption('-d, --data-dir <dir>', 'directory with <Task>/{train,dev,test}_v1.jsonl')
  .option('-t, --tasks <list>', 'all, or a comma-separated list of tasks', 'all')
  .requiredOption('-o, --out <dir>', 'output directory')
  .option('--min-count <n>', 'keep training words seen at least this often', '2')
  .action(async (opts: { dataDir: string; tasks: string; out: string; minCount: string }) => {
    for (const task of parseTaskList(opts.tasks)) {
      const data = await loadOrSkip(opts.dataDir, task);
      if (!data) continue;
      const info = await writeBilstmArrays(data, opts.out, { minCount: Number(opts.minCount) });
      console.log(`${task}: ${info.file} (vocabulary ${info.vocabSize}, ${info.labels.length} labels, ${JSON.stringify(info.sizes)})`);
    }
  });

program
  .command('bert-data')
  .description('train a WordPiece vocabulary and write the BERT pretraining and fine-tuning arrays that training/rumedbench/train_bert.py reads')
  .requiredOption('-d, --data-dir <dir>', 'directory with <Task>/{train,dev,test}_v1.jsonl')
  .option('-t, --tasks <list>', 'all, or a comma-separated list of tasks', 'all')
  .requiredOption('-o, --out <dir>', 'output directory')
  .option('--vocab-size <n>', 'WordPiece vocabulary size', '6000')
  .option('--max-length <n>', 'longest single-text / NER encoding in tokens', '128')
  .option('--pair-max-length <n>', 'longest text-pair encoding in tokens', '256')
  .option('-q, --quiet', 'no progress bar')
  .action(async (opts: { dataDir: string; tasks: string; out: string; vocabSize: string; maxLength: string; pairMaxLength: string; quiet?: boolean }) => {
    const datas: TaskData[] = [];
    for (const task of parseTaskList(opts.tasks)) {
      const data = await loadOrSkip(opts.dataDir, task);
      if (data) datas.push(data);
    }
    const bar = createCliProgress('vocabulary', { enabled: !opts.quiet });
    const info = await writeBertArrays(datas, opts.out, { vocabSize: Number(opts.vocabSize), maxLength: Number(opts.maxLength), pairMaxLength: Number(opts.pairMaxLength), onProgress: bar.onProgress });
    bar.stop();
    console.log(`vocabulary ${info.vocabSize} pieces -> ${info.vocabFile}; pretraining rows ${info.pretrainRows}`);
    for (const [task, t] of Object.entries(info.tasks)) console.log(`${task}: ${t.file} (${t.labels.length} labels, ${JSON.stringify(t.sizes)})`);
  });

/** Loads a task; a user-supplied task (RuMedNLI) that is absent is skipped with a note instead of failing. */
async function loadOrSkip(dataDir: string, task: TaskName): Promise<TaskData | undefined> {
  try {
    return await loadTask(dataDir, task);
  } catch (e) {
    if (LabError.isInstance(e) && e.code === 'TASK_DATA_MISSING' && TASKS[task].userSupplied) {
      process.stderr.write(`skipped ${task}: ${e.message}\n`);
      return undefined;
    }
    throw e;
  }
}

program.parseAsync().catch((e: unknown) => {
  process.stderr.write(LabError.isInstance(e) ? `error [${e.code}]: ${e.message}\n` : `error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
