import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng } from '@lab/tensor-core';
import type { Split, TaskName } from '../tasks/task-registry';

/**
 * SYNTHETIC data in the official RuMedBench layout, generated from templates with a seeded RNG. It exercises every
 * code path (loaders, baselines, submissions, evaluation) where the real data is absent; its scores say nothing
 * about medicine or about the real benchmark.
 */

const CONDITIONS: Array<{ code: string; symptom: string; phrases: string[] }> = [
  { code: 'J06', symptom: 'насморк', phrases: ['заложенность носа', 'боль в горле', 'насморк и чихание', 'першение в горле', 'температура 37,5'] },
  { code: 'I11', symptom: 'головная боль', phrases: ['повышение давления до 160/100', 'головная боль в затылке', 'мелькание мушек перед глазами', 'шум в ушах'] },
  { code: 'M54', symptom: 'боль в спине', phrases: ['боль в пояснице', 'боль отдает в ногу', 'скованность в спине по утрам', 'боль при наклоне'] },
  { code: 'K29', symptom: 'боль в животе', phrases: ['боль в эпигастрии', 'изжога после еды', 'тошнота', 'тяжесть в желудке'] },
  { code: 'N30', symptom: 'частое мочеиспускание', phrases: ['жжение при мочеиспускании', 'частые позывы', 'боль внизу живота', 'мутная моча'] },
  { code: 'L20', symptom: 'зуд кожи', phrases: ['зуд кожи', 'сухость кожи', 'покраснение на локтях', 'шелушение'] },
];
const OPENERS = ['Жалобы на', 'Беспокоит', 'Пациент отмечает', 'В течение недели', 'Со слов пациента'];

const DRUGS = ['Арбидол', 'Парацетамол', 'Ибупрофен', 'Кагоцел', 'Амоксиклав'];
const FORMS = ['таблетки', 'капсулы', 'сироп'];
const ADRS = ['тошнота', 'сонливость', 'сыпь'];
const DISEASES = ['грипп', 'простуда', 'ангина'];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

function top3Item(rng: Rng, i: number, split: Split) {
  const c = pick(rng, CONDITIONS);
  const n = 1 + rng.int(3);
  const parts = Array.from({ length: n }, () => pick(rng, c.phrases));
  if (rng.uniform() < 0.2) parts.push(pick(rng, pick(rng, CONDITIONS).phrases)); // noise from another condition
  return { idx: `syn-${split}-${i}`, symptoms: `${pick(rng, OPENERS)} ${parts.join(', ')}.`, code: c.code };
}

function symptomItem(rng: Rng, i: number, split: Split) {
  const c = pick(rng, CONDITIONS);
  const parts = Array.from({ length: 2 }, () => pick(rng, c.phrases));
  return { idx: `syn-${split}-${i}`, symptoms: parts.join(', '), code: c.symptom };
}

function danetItem(rng: Rng, i: number, split: Split) {
  const drug = pick(rng, DRUGS);
  const disease = pick(rng, DISEASES);
  const yes = rng.uniform() < 0.5;
  const asked = yes ? disease : pick(rng, DISEASES.filter((d) => d !== disease));
  return {
    pairID: `syn-${split}-${i}`,
    context: `${drug} применяют при заболевании ${disease}. Препарат выпускается в форме ${pick(rng, FORMS)}.`,
    question: `Применяют ли ${drug} при заболевании ${asked}?`,
    answer: yes ? 'да' : 'нет',
  };
}

function nliItem(rng: Rng, i: number, split: Split) {
  const c = pick(rng, CONDITIONS);
  const label = pick(rng, ['entailment', 'contradiction', 'neutral'] as const);
  const p = pick(rng, c.phrases);
  const h = label === 'entailment' ? `У пациента ${p}.` : label === 'contradiction' ? `У пациента нет жалоб: ${p} отсутствует.` : `Пациент курит.`;
  return { pairID: `syn-${split}-${i}`, ru_sentence1: `Пациент жалуется: ${p}.`, ru_sentence2: h, gold_label: label };
}

function nerItem(rng: Rng, i: number, split: Split) {
  const tokens: string[] = [];
  const tags: string[] = [];
  const add = (words: string[], type?: string) =>
    words.forEach((w, k) => {
      tokens.push(w);
      tags.push(type ? `${k === 0 ? 'B' : 'I'}-${type}` : 'O');
    });
  add(['Принимал']);
  add([pick(rng, FORMS)], 'Drugform');
  add([pick(rng, DRUGS)], 'Drugname');
  add(['от']);
  add([pick(rng, DISEASES)], 'DI');
  if (rng.uniform() < 0.6) {
    add([',', 'после', 'приема', 'появилась']);
    add(pick(rng, ADRS).split(' '), 'ADR');
  }
  add(['.']);
  return { idx: `syn-${split}-${i}`, tokens, ner_tags: tags };
}

const MAKERS: Record<TaskName, (rng: Rng, i: number, split: Split) => object> = {
  RuMedTop3: top3Item,
  RuMedSymptomRec: symptomItem,
  RuMedDaNet: danetItem,
  RuMedNLI: nliItem,
  RuMedNER: nerItem,
};

/** Sizes of the synthetic splits. */
export const SYNTHETIC_SIZES: Readonly<Record<Split, number>> = { train: 240, dev: 60, test: 60 };

/**
 * Writes a SYNTHETIC sample of all five tasks in the official layout `<dir>/<Task>/{train,dev,test}_v1.jsonl`.
 * @param dir - output directory
 * @param seed - RNG seed @default 0
 * @returns `dir`
 */
export async function writeSyntheticSample(dir: string, seed = 0): Promise<string> {
  const rng = new Rng(seed);
  for (const [task, make] of Object.entries(MAKERS) as Array<[TaskName, (typeof MAKERS)[TaskName]]>) {
    await mkdir(join(dir, task), { recursive: true });
    for (const split of ['train', 'dev', 'test'] as const) {
      const lines = Array.from({ length: SYNTHETIC_SIZES[split] }, (_, i) => JSON.stringify(make(rng, i, split)));
      await writeFile(join(dir, task, `${split}_v1.jsonl`), lines.join('\n') + '\n', 'utf8');
    }
  }
  await writeFile(join(dir, 'README.txt'), 'SYNTHETIC RuMedBench-layout sample generated by @lab/rumedbench writeSyntheticSample(); not medical data.\n');
  return dir;
}
