import { DataFormatError, InvalidArgumentError } from '@lab/tensor-core';

/** Index of the padding token. */
export const PAD_ID = 0;
/** Index of the unknown-word token. */
export const UNK_ID = 1;
/** Index of the separator between the two texts of a pair. */
export const SEP_ID = 2;
const SPECIALS = ['<pad>', '<unk>', '<sep>'];

/** A word vocabulary: id 0 pads, 1 is unknown, 2 separates pair texts. */
export class Vocabulary {
  private readonly index: Map<string, number>;

  private constructor(readonly tokens: readonly string[]) {
    this.index = new Map(tokens.map((t, i) => [t, i]));
  }

  /**
   * Builds a vocabulary from tokenised training texts.
   * @param minCount - keep words seen at least this often @default 1
   * @param maxSize - keep at most this many words (most frequent first, ties by first appearance)
   */
  static build(texts: Iterable<readonly string[]>, options: { minCount?: number; maxSize?: number } = {}): Vocabulary {
    const minCount = options.minCount ?? 1;
    if (!Number.isInteger(minCount) || minCount < 1) throw new InvalidArgumentError('minCount', `minCount must be a positive integer, received ${minCount}.`);
    const counts = new Map<string, number>();
    for (const tokens of texts) for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    let words = [...counts.entries()].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1]).map(([w]) => w);
    if (options.maxSize !== undefined) words = words.slice(0, options.maxSize);
    return new Vocabulary([...SPECIALS, ...words]);
  }

  /** Restores a vocabulary from its token list (as saved by {@link Vocabulary.toJSON}). */
  static fromJSON(value: unknown, source = '<vocabulary>'): Vocabulary {
    const tokens = (value as { tokens?: unknown } | null)?.tokens;
    if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string')) throw new DataFormatError(source, 'not a vocabulary: expected {"tokens": [string, ...]}');
    const list = tokens as string[];
    if (SPECIALS.some((s, i) => list[i] !== s)) throw new DataFormatError(source, `the first tokens must be ${SPECIALS.join(', ')}`);
    return new Vocabulary(list);
  }

  /** Number of entries including the special tokens. */
  get size(): number {
    return this.tokens.length;
  }

  /** Id of a token (UNK_ID when unknown). */
  id(token: string): number {
    return this.index.get(token) ?? UNK_ID;
  }

  /** Ids of tokens, cropped to `maxLength`. */
  encode(tokens: readonly string[], maxLength = Infinity): number[] {
    const n = Math.min(tokens.length, maxLength);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.id(tokens[i]!);
    return out;
  }

  toJSON(): { tokens: readonly string[] } {
    return { tokens: this.tokens };
  }
}
