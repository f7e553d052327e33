import { InvalidArgumentError, type ProgressEvent } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { BasicTokenizer } from './basic-tokenizer';
import { WordPieceTokenizer } from './wordpiece-tokenizer';
import { trainWordPieceVocab, vocabToText, type WordPieceTrainerOptions } from './wordpiece-trainer';

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

/** "low"×5 "lower"×2 "newest"×6 "widest"×3, as one text per word occurrence. */
const TOY = [...Array<string>(5).fill('low'), ...Array<string>(2).fill('lower'), ...Array<string>(6).fill('newest'), ...Array<string>(3).fill('widest')];
const TOY_ALPHABET = ['d', 'e', 'i', 'l', 'n', 'o', 'r', 's', 't', 'w', '##d', '##e', '##i', '##o', '##r', '##s', '##t', '##w'];
/**
 * Worked by hand (ties go to the lexicographically smaller left, then right, symbol; '#' sorts before letters):
 * ##e ##s = ##s ##t = 9 → ##es; ##es ##t = 9 → ##est; l ##o = ##o ##w = 7 → ##ow; l ##ow = 7 → low;
 * n ##e = ##e ##w = ##w ##est = 6 → ##ew; n ##ew = ##ew ##est = 6 → ##ewest; n ##ewest = 6 → newest;
 * w ##i = ##i ##d = ##d ##est = 3 → ##dest; ##i ##dest → ##idest; w ##idest → widest;
 * low ##e = ##e ##r = 2 → ##er; low ##er = 2 → lower; then every pair is gone.
 */
const TOY_MERGES = ['##es', '##est', '##ow', 'low', '##ew', '##ewest', 'newest', '##dest', '##idest', 'widest', '##er', 'lower'];

const WORDS = [
  'боль', 'в', 'животе', 'голова', 'болит', 'температура', 'тошнота', 'кашель', 'сухой', 'слабость', 'давление',
  'повышенное', 'пациент', 'жалуется', 'на', 'сильную', 'головную', 'боли', 'грудной', 'клетке', 'одышка', 'при',
  'нагрузке', 'головокружение', 'рвота', 'диарея', 'сыпь', 'коже', 'зуд', 'отёк', 'ног', 'учащённое', 'сердцебиение',
  'бессонница', 'тревога', 'снижение', 'аппетита', 'потеря', 'веса', 'озноб', 'насморк', 'горле', 'кровь', 'моче',
];

/** A deterministic Russian-like corpus: sentences of Zipf-distributed words with punctuation and capitals. */
function corpus(texts: number, seed = 1): string[] {
  let state = seed;
  const rand = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const out: string[] = [];
  for (let t = 0; t < texts; t++) {
    const words: string[] = [];
    const n = 5 + Math.floor(rand() * 15);
    for (let i = 0; i < n; i++) {
      const w = WORDS[Math.floor(WORDS.length * rand() ** 2)] as string;
      words.push(i === 0 ? w[0]?.toUpperCase() + w.slice(1) : w);
      if (rand() < 0.1) words.push(',');
    }
    out.push(`${words.join(' ')}${rand() < 0.5 ? '.' : '!'} ${Math.floor(rand() * 40)}°C`);
  }
  return out;
}

/** Reference trainer: recounts every pair before each merge (slow, obviously right). */
function naiveTrain(texts: string[], vocabSize: number, minFrequency: number): string[] {
  const basic = new BasicTokenizer({ doLowerCase: true, stripAccents: false });
  const counts = new Map<string, number>();
  for (const t of texts) for (const w of basic.tokenize(t)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts.keys()].map((w) => [...w].map((ch, i) => (i === 0 ? ch : `##${ch}`)));
  const freqs = [...counts.values()];
  const chars = [...new Set([...counts.keys()].flatMap((w) => [...w]))].sort();
  const continued = new Set([...counts.keys()].flatMap((w) => [...w].slice(1)));
  const vocab = [...SPECIALS, ...chars, ...chars.filter((c) => continued.has(c)).map((c) => `##${c}`)];
  while (vocab.length < vocabSize) {
    const pairs = new Map<string, [string, string, number]>();
    words.forEach((syms, w) => {
      for (let i = 0; i + 1 < syms.length; i++) {
        const key = `${syms[i]} ${syms[i + 1]}`;
        const entry = pairs.get(key) ?? [syms[i] as string, syms[i + 1] as string, 0];
        entry[2] += freqs[w] as number;
        pairs.set(key, entry);
      }
    });
    let best: [string, string, number] | undefined;
    for (const p of pairs.values()) {
      if (!best || p[2] > best[2] || (p[2] === best[2] && (p[0] < best[0] || (p[0] === best[0] && p[1] < best[1])))) best = p;
    }
    if (!best || best[2] < minFrequency) break;
    const [a, b] = best;
    const merged = a + b.slice(2);
    if (!vocab.includes(merged)) vocab.push(merged);
    for (const syms of words) {
      const out: string[] = [];
      for (let i = 0; i < syms.length; i++) {
        if (syms[i] === a && syms[i + 1] === b) {
          out.push(merged);
          i++;
        } else out.push(syms[i] as string);
      }
      syms.splice(0, syms.length, ...out);
    }
  }
  return vocab;
}

function expectInvalid(field: string, run: () => unknown): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect((error as InvalidArgumentError).argument).toBe(field);
  expect((error as Error).message).toContain(field);
}

describe('trainWordPieceVocab', () => {
  it('derives the hand-worked merges of a tiny corpus, specials and alphabet first', () => {
    const vocab = trainWordPieceVocab(TOY, { vocabSize: 100, minFrequency: 2 });
    expect(vocab).toEqual([...SPECIALS, ...TOY_ALPHABET, ...TOY_MERGES]);
    // Every pair is merged away, so a lower minFrequency or a larger vocabSize changes nothing.
    expect(trainWordPieceVocab(TOY, { vocabSize: 1000, minFrequency: 1 })).toEqual(vocab);
  });

  it('matches a full-recount reference on a corpus full of ties and repeated symbols', () => {
    let state = 3;
    const rand = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const word = (): string => Array.from({ length: 1 + Math.floor(rand() * 8) }, () => 'аабвг'[Math.floor(rand() * 5)]).join('');
    const texts = Array.from({ length: 150 }, () => Array.from({ length: 6 }, word).join(' '));
    for (const [vocabSize, minFrequency] of [[60, 2], [400, 1], [400, 3]] as const) {
      const expected = naiveTrain(texts, vocabSize, minFrequency);
      expect(trainWordPieceVocab(texts, { vocabSize, minFrequency })).toEqual(expected);
    }
  });

  it('stops at vocabSize and at minFrequency', () => {
    const base = SPECIALS.length + TOY_ALPHABET.length;
    expect(trainWordPieceVocab(TOY, { vocabSize: base + 3 })).toEqual([...SPECIALS, ...TOY_ALPHABET, ...TOY_MERGES.slice(0, 3)]);
    expect(trainWordPieceVocab(TOY, { vocabSize: base })).toEqual([...SPECIALS, ...TOY_ALPHABET]);
    // Pairs seen 3 times are merged, those seen twice (in "lower") are not.
    expect(trainWordPieceVocab(TOY, { vocabSize: 100, minFrequency: 3 })).toEqual([...SPECIALS, ...TOY_ALPHABET, ...TOY_MERGES.slice(0, 10)]);
  });

  it('puts the special tokens first, never repeats a token and fills vocabSize when the corpus allows', () => {
    const texts = corpus(400);
    for (const vocabSize of [120, 300]) {
      const vocab = trainWordPieceVocab(texts, { vocabSize, minFrequency: 1 });
      expect(vocab.slice(0, 5)).toEqual(SPECIALS);
      expect(new Set(vocab).size).toBe(vocab.length);
      expect(vocab).toHaveLength(vocabSize);
    }
    const custom = trainWordPieceVocab(texts, { vocabSize: 200, specialTokens: ['<unk>', '[UNK]', 'боль'] });
    expect(custom.slice(0, 3)).toEqual(['<unk>', '[UNK]', 'боль']);
    expect(new Set(custom).size).toBe(custom.length);
    expect(custom.length).toBeLessThanOrEqual(200);
  });

  it('builds a vocab.txt the WordPiece tokenizer covers the training words with', () => {
    const texts = corpus(600);
    const vocab = trainWordPieceVocab(texts, { vocabSize: 400 });
    const text = vocabToText(vocab);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(vocab.length + 1);
    const tokenizer = WordPieceTokenizer.fromVocabText(text, { doLowerCase: true, stripAccents: false });
    expect(tokenizer.vocabSize).toBe(vocab.length);
    const inVocab = new Set(vocab);
    const basic = new BasicTokenizer({ doLowerCase: true, stripAccents: false });
    const counts = new Map<string, number>();
    for (const t of texts) for (const w of basic.tokenize(t)) counts.set(w, (counts.get(w) ?? 0) + 1);
    for (const word of counts.keys()) {
      const pieces = tokenizer.wordPieces(word);
      expect(pieces).not.toContain('[UNK]');
      for (const p of pieces) expect(inVocab.has(p)).toBe(true);
      expect(pieces.map((p, i) => (i === 0 ? p : p.slice(2))).join('')).toBe(word);
    }
    // The frequent words are single pieces.
    const frequent = [...counts].sort((x, y) => y[1] - x[1]).slice(0, 15).map(([w]) => w);
    expect(frequent).toContain('боль');
    for (const word of frequent) expect(tokenizer.wordPieces(word)).toEqual([word]);
    expect(tokenizer.tokenize('Боль в животе.')).toEqual(['боль', 'в', 'животе', '.']);
  });

  it('lower-cases Cyrillic and splits punctuation off', () => {
    const texts = Array<string>(4).fill('БОЛЬ в Горле, ТЕМПЕРАТУРА 38! Ёлка; ёлка.');
    const vocab = trainWordPieceVocab(texts, { vocabSize: 200 });
    for (const t of ['боль', 'в', 'горле', 'температура', '38', 'ёлка', ',', '!', ';', '.']) expect(vocab).toContain(t);
    for (const t of ['Б', 'Г', 'Т', 'Ё', '##,', '##!', '##.', 'горле,', 'ёлка.']) expect(vocab).not.toContain(t);
    const cased = trainWordPieceVocab(texts, { vocabSize: 200, doLowerCase: false });
    expect(cased).toContain('БОЛЬ');
    expect(cased).toContain('Ёлка');
    const stripped = trainWordPieceVocab(texts, { vocabSize: 200, stripAccents: true });
    expect(stripped).toContain('елка');
    expect(stripped).not.toContain('ё');
  });

  it('is deterministic and accepts any iterable', () => {
    const texts = corpus(300, 7);
    const a = trainWordPieceVocab(texts, { vocabSize: 250 });
    const b = trainWordPieceVocab(texts, { vocabSize: 250 });
    expect(b).toEqual(a);
    function* generate(): Generator<string> {
      yield* texts;
    }
    expect(trainWordPieceVocab(generate(), { vocabSize: 250 })).toEqual(a);
  });

  it('keeps the most frequent characters only, so that rarer ones become [UNK]', () => {
    const texts = [...Array<string>(10).fill('аб аб ба'), 'абв', 'г'];
    const vocab = trainWordPieceVocab(texts, { vocabSize: 50, limitAlphabet: 2, minFrequency: 1 });
    expect(vocab).toEqual([...SPECIALS, 'а', 'б', '##а', '##б', 'аб', 'ба']);
    const tokenizer = WordPieceTokenizer.fromVocabText(vocabToText(vocab), { doLowerCase: true });
    expect(tokenizer.tokenize('аб абв г ба')).toEqual(['аб', '[UNK]', '[UNK]', 'ба']);
  });

  it('skips words longer than 100 characters and special tokens written in the text', () => {
    expect(trainWordPieceVocab(['я'.repeat(101)], { vocabSize: 50, minFrequency: 1 })).toEqual(SPECIALS);
    const hundred = trainWordPieceVocab(['я'.repeat(100)], { vocabSize: 50, minFrequency: 1 });
    expect(hundred.slice(5, 7)).toEqual(['я', '##я']);
    expect(hundred).toContain('##яя');
    const vocab = trainWordPieceVocab(['[CLS] да [SEP] да [MASK]'], { vocabSize: 50, minFrequency: 1 });
    expect(vocab).toEqual([...SPECIALS, 'а', 'д', '##а', 'да']);
  });

  it('rejects bad options, naming the field', () => {
    const texts = corpus(50);
    const cases: [string, WordPieceTrainerOptions][] = [
      ['vocabSize', { vocabSize: 5 }],
      ['vocabSize', { vocabSize: 100.5 }],
      ['vocabSize', { vocabSize: Number.NaN }],
      ['vocabSize', { vocabSize: 20 }], // fewer than the special tokens plus this corpus's alphabet
      ['minFrequency', { minFrequency: 0 }],
      ['minFrequency', { minFrequency: 1.5 }],
      ['limitAlphabet', { limitAlphabet: 0 }],
      ['continuingSubwordPrefix', { continuingSubwordPrefix: '' }],
      ['specialTokens', { specialTokens: ['[UNK]', '[UNK]'] }],
      ['specialTokens', { specialTokens: ['[UNK]', ''] }],
    ];
    for (const [field, options] of cases) expectInvalid(field, () => trainWordPieceVocab(texts, options));
    expectInvalid('texts', () => trainWordPieceVocab('one text' as unknown as string[]));
    expectInvalid('texts', () => trainWordPieceVocab(['ok', 3 as unknown as string]));
    expectInvalid('vocab', () => vocabToText(['a', 'b\nc']));
  });

  it('reports progress, ending with completed === total', () => {
    for (const options of [{ vocabSize: 300 }, { vocabSize: 5000 }]) {
      const events: ProgressEvent[] = [];
      trainWordPieceVocab(corpus(200), { ...options, onProgress: (e) => events.push(e) });
      expect(events.some((e) => e.label === 'counting words' && e.completed === 200 && e.total === 200)).toBe(true);
      const last = events.at(-1);
      expect(last?.label).toBe('merging');
      expect(last?.completed).toBe(last?.total);
      expect(last?.total).toBeGreaterThan(0);
    }
  });
});

describe('vocabToText', () => {
  it('writes one token per line with a final line break', () => {
    expect(vocabToText(['[PAD]', 'а', '##б'])).toBe('[PAD]\nа\n##б\n');
    expect(vocabToText([])).toBe('');
  });
});
