/**
 * SYNTHETIC Russian-and-English "complaint" texts with labels, generated from a seeded RNG for the linear-model tests.
 * They are made up word salads, not medical data. They exercise case, ё, digits, punctuation, underscores, tabs,
 * newlines, runs of whitespace, non-breaking spaces and an astral character.
 */
import { Rng } from '@lab/tensor-core';

const COMMON = ['жалобы', 'на', 'боль', 'в', 'и', 'с', 'после', 'дней', 'неделю', 'Температура', 'слабость', 'pain', 'since', 'the', 'a', 'of', 'днём', 'ёлка', 'Ёж', 'x_ray', '2-х', '37,5', 'т.е.'];
const TOPICS: readonly string[][] = [
  ['горло', 'кашель', 'насморк', 'cough', 'throat', 'Першит'],
  ['живот', 'изжога', 'тошнота', 'stomach', 'nausea', 'эпигастрии'],
  ['суставы', 'колено', 'спина', 'knee', 'joint', 'Поясница'],
  ['голова', 'мигрень', 'давление', 'headache', 'dizzy', 'Головокружение'],
  ['кожа', 'сыпь', 'зуд', 'rash', 'itch', 'покраснение'],
];
const SEPARATORS = [' ', ' ', ' ', ' ', '  ', '\t', '\n', ' \n ', '\u00a0', ', ', '. ', '!', ' - '];

/** One synthetic text and its label (`'T0'`..`'T4'`). */
export interface SyntheticText {
  text: string;
  label: string;
}

/**
 * `n` synthetic texts; each mixes words of its topic with common words (and, rarely, a word of another topic).
 * @param n - how many
 * @param seed - RNG seed
 */
export function syntheticTexts(n: number, seed: number): SyntheticText[] {
  const rng = new Rng(seed);
  const out: SyntheticText[] = [];
  for (let i = 0; i < n; i++) {
    const t = rng.int(TOPICS.length);
    const words: string[] = [];
    const len = 3 + rng.int(14);
    for (let k = 0; k < len; k++) {
      const u = rng.uniform();
      const pool = u < 0.45 ? TOPICS[t]! : u < 0.55 ? TOPICS[rng.int(TOPICS.length)]! : COMMON;
      let w = pool[rng.int(pool.length)]!;
      if (rng.uniform() < 0.1) w = w.toUpperCase();
      if (rng.uniform() < 0.02) w += '😷';
      words.push(w);
    }
    let text = '';
    for (let k = 0; k < words.length; k++) text += (k ? SEPARATORS[rng.int(SEPARATORS.length)]! : rng.uniform() < 0.1 ? '  ' : '') + words[k];
    if (rng.uniform() < 0.2) text += '.';
    out.push({ text, label: `T${t}` });
  }
  return out;
}
