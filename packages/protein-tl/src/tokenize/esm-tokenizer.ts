import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '@lab/tensor-core';
import { describeChar } from '../alphabet/protein-alphabet';
import { ESM2_VOCAB } from './esm-vocab';

/**
 * How {@link EsmTokenizer} splits text:
 * - `'residue'`: one token per character (code point); a character outside the vocabulary is one `<unk>` (see
 *   `unknown`), so token i + 1 is residue i.
 * - `'huggingface'`: the exact splitting of the Hugging Face `EsmTokenizer` (and fair-esm's `Alphabet.tokenize`):
 *   whitespace separates and is dropped, and each maximal run of other characters outside the vocabulary becomes ONE
 *   `<unk>` (e.g. `'MKabcT'` gives `M K <unk> T`).
 * In both, the special-token strings (`<mask>`, `<unk>`, ...) written in the text are single tokens, as in ESM.
 */
export type EsmSplitMode = 'residue' | 'huggingface';

/** Options of {@link EsmTokenizer.encode}. */
export interface EsmEncodeOptions {
  /** See {@link EsmSplitMode}. @default 'residue' */
  mode?: EsmSplitMode;
  /**
   * Lower-case letters (the ESM vocabulary has upper case only): `'unk'` treats them as any character outside the
   * vocabulary, which is what ESM does (Hugging Face maps them to `<unk>`; fair-esm's batch converter looks them up
   * without a default); `'upper'` upper-cases the text first; `'error'` throws.
   * @default 'unk'
   */
  lowercase?: 'unk' | 'upper' | 'error';
  /** Characters outside the vocabulary (after `lowercase`): `'unk'` maps them to `<unk>`, `'error'` throws. @default 'unk' */
  unknown?: 'unk' | 'error';
  /** Prepend `<cls>` and append `<eos>`, as ESM does. @default true */
  addSpecialTokens?: boolean;
}

/** Options of {@link EsmTokenizer.encodeBatch}. */
export interface EsmBatchOptions extends EsmEncodeOptions {
  /**
   * Pad every row to the longest one (`'longest'`) or to this many tokens (special tokens included).
   * @default 'longest'
   */
  padding?: 'longest' | number;
}

/** A padded batch of token ids, row-major. */
export interface EsmBatch {
  /** `[batchSize, length]` token ids, `<pad>` after each row's tokens. Pass to `toInt64Tensor(inputIds, [batchSize, length])`. */
  inputIds: Int32Array;
  /** `[batchSize, length]`: 1 on tokens (special ones included), 0 on padding. */
  attentionMask: Int32Array;
  /** Rows. */
  batchSize: number;
  /** Tokens per row after padding. */
  length: number;
  /** Tokens of each row before padding. */
  lengths: Int32Array;
}

/** Options of {@link EsmTokenizer.decode}. */
export interface EsmDecodeOptions {
  /** Leave out `<cls>`, `<pad>`, `<eos>`, `<mask>`, `<null_1>` (`<unk>` is kept). @default false */
  skipSpecialTokens?: boolean;
  /** Put between tokens (Hugging Face's decode uses `' '`). @default '' */
  separator?: string;
}

/**
 * The ESM-2 tokeniser: `<cls>` + one token per residue + `<eos>`, padding with `<pad>`, attention masks and decoding,
 * over the ESM alphabet ({@link ESM2_VOCAB}) or a vocabulary file in the same layout.
 *
 * @remarks The rare residues X, B, U, Z, O and the gaps `.` and `-` are in the vocabulary. Lower case and other
 * characters follow `lowercase` and `unknown` (default: `<unk>`, as ESM); `mode: 'huggingface'` reproduces the Hugging
 * Face `EsmTokenizer` exactly, including its merging of runs of unknown characters into one `<unk>`.
 *
 * @example
 * ```ts
 * const tok = new EsmTokenizer();
 * Array.from(tok.encode('MKTAYIAK'));      // [0, 20, 15, 11, 5, 19, 12, 5, 15, 2]
 * const batch = tok.encodeBatch(['MKT', 'MK']);
 * Array.from(batch.inputIds);              // [0, 20, 15, 11, 2, 0, 20, 15, 2, 1]
 * tok.decode(batch.inputIds.subarray(0, 5), { skipSpecialTokens: true }); // 'MKT'
 * ```
 */
export class EsmTokenizer {
  /** The vocabulary; token id = index. */
  readonly vocab: readonly string[];
  /** `<cls>` id. */
  readonly clsId: number;
  /** `<pad>` id. */
  readonly padId: number;
  /** `<eos>` id. */
  readonly eosId: number;
  /** `<unk>` id. */
  readonly unkId: number;
  /** `<mask>` id. */
  readonly maskId: number;
  private readonly ids = new Map<string, number>();
  private readonly charIds = new Int32Array(128).fill(-1);
  private readonly multi: Array<[string, number]>;
  private readonly special: Set<number>;

  /**
   * @param vocab - the tokens, id = index @default ESM2_VOCAB
   * @throws InvalidArgumentError when a special token (`<cls>`, `<pad>`, `<eos>`, `<unk>`, `<mask>`) is missing or a
   * token repeats
   */
  constructor(vocab: readonly string[] = ESM2_VOCAB) {
    vocab.forEach((t, i) => {
      if (t === '') throw new InvalidArgumentError('vocab', `Token ${i} of the vocabulary is empty.`);
      if (this.ids.has(t)) throw new InvalidArgumentError('vocab', `Token "${t}" appears twice in the vocabulary (ids ${this.ids.get(t)} and ${i}).`);
      this.ids.set(t, i);
      if (t.length === 1 && t.charCodeAt(0) < 128) this.charIds[t.charCodeAt(0)] = i;
    });
    const need = (t: string): number => {
      const id = this.ids.get(t);
      if (id === undefined) throw new InvalidArgumentError('vocab', `The vocabulary lacks the special token ${t}.`);
      return id;
    };
    this.vocab = Object.freeze([...vocab]);
    this.clsId = need('<cls>');
    this.padId = need('<pad>');
    this.eosId = need('<eos>');
    this.unkId = need('<unk>');
    this.maskId = need('<mask>');
    // multi-character tokens, longest first, for matching special tokens written in the text
    this.multi = vocab
      .map((t, i) => [t, i] as [string, number])
      .filter(([t]) => [...t].length > 1 || t.charCodeAt(0) >= 128)
      .sort((a, b) => b[0].length - a[0].length);
    this.special = new Set(vocab.map((t, i) => [t, i] as const).filter(([t]) => /^<.+>$/.test(t) && t !== '<unk>').map(([, i]) => i));
  }

  /**
   * Reads a vocabulary file as the Hugging Face `EsmTokenizer` does: one token per line, each line stripped.
   * @param path - e.g. a model's `vocab.txt`
   * @returns the tokeniser
   * @example
   * ```ts
   * const tok = await EsmTokenizer.fromVocabFile('esm2-vocab.txt');
   * ```
   */
  static async fromVocabFile(path: string): Promise<EsmTokenizer> {
    const text = await readFile(path, 'utf8');
    const lines = text.split(/\r\n|\n|\r/).map((l) => l.trim());
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return new EsmTokenizer(lines);
  }

  /** Number of tokens in the vocabulary. */
  get vocabSize(): number {
    return this.vocab.length;
  }

  /**
   * The id of a token, or undefined.
   * @param token - a token string, e.g. `'M'` or `'<mask>'`
   */
  tokenId(token: string): number | undefined {
    return this.ids.get(token);
  }

  /**
   * Splits a sequence into token strings (no `<cls>`/`<eos>`), following the options as {@link EsmTokenizer.encode}.
   * @param sequence - the sequence
   * @param options - mode, lower case, unknown characters
   * @returns the tokens
   * @example
   * ```ts
   * new EsmTokenizer().tokenize('MK<mask>J'); // ['M', 'K', '<mask>', '<unk>']
   * ```
   */
  tokenize(sequence: string, options: EsmEncodeOptions = {}): string[] {
    return Array.from(this.encode(sequence, { ...options, addSpecialTokens: false }), (id) => this.vocab[id]!);
  }

  /**
   * Encodes one sequence: `<cls>`, one id per residue, `<eos>`.
   * @param sequence - the sequence
   * @param options - mode, lower case, unknown characters, special tokens
   * @returns the ids
   * @throws InvalidArgumentError for lower case or unknown characters when their option is `'error'`
   */
  encode(sequence: string, options: EsmEncodeOptions = {}): Int32Array {
    const mode = options.mode ?? 'residue';
    const lowercase = options.lowercase ?? 'unk';
    const unknown = options.unknown ?? 'unk';
    if (mode !== 'residue' && mode !== 'huggingface') throw new InvalidArgumentError('mode', `Unsupported mode "${String(mode)}". Supported: residue, huggingface.`);
    if (!['unk', 'upper', 'error'].includes(lowercase)) throw new InvalidArgumentError('lowercase', `Unsupported lowercase "${String(lowercase)}". Supported: unk, upper, error.`);
    if (!['unk', 'error'].includes(unknown)) throw new InvalidArgumentError('unknown', `Unsupported unknown "${String(unknown)}". Supported: unk, error.`);
    const text = lowercase === 'upper' ? sequence.toUpperCase() : sequence;
    const out: number[] = [];
    if (options.addSpecialTokens !== false) out.push(this.clsId);
    let run = -1; // start of a pending run of unknown characters (huggingface mode)
    const flush = (): void => {
      if (run >= 0) out.push(this.unkId);
      run = -1;
    };
    for (let i = 0; i < text.length; ) {
      const c = text.charCodeAt(i);
      if (c === 60 /* < */ || c >= 128) {
        const hit = this.matchMulti(text, i);
        if (hit) {
          flush();
          out.push(hit[1]);
          i += hit[0].length;
          continue;
        }
      }
      const cp = text.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      const id = c < 128 ? this.charIds[c]! : -1;
      if (id >= 0) {
        flush();
        out.push(id);
      } else if (mode === 'huggingface' && /\s/.test(text[i]!)) {
        flush();
      } else {
        const ch = String.fromCodePoint(cp);
        const isLower = c >= 97 && c <= 122 && this.charIds[c - 32]! >= 0;
        if (isLower && lowercase === 'error') {
          throw new InvalidArgumentError('sequence', `Lower-case residue "${ch}" at position ${i + 1}: the ESM vocabulary is upper case. Pass lowercase: 'upper' to convert, or 'unk'.`);
        }
        if (unknown === 'error' && !isLower) {
          throw new InvalidArgumentError('sequence', `Character ${describeChar(ch)} at position ${i + 1} is not in the ESM vocabulary (${this.vocabSize} tokens). Pass unknown: 'unk' to map it to <unk>.`);
        }
        if (mode === 'residue') out.push(this.unkId);
        else if (run < 0) run = i;
      }
      i += width;
    }
    flush();
    if (options.addSpecialTokens !== false) out.push(this.eosId);
    return Int32Array.from(out);
  }

  /**
   * Encodes sequences into one padded batch with an attention mask.
   * @param sequences - the sequences
   * @param options - padding (`'longest'` or a fixed token count) and the options of {@link EsmTokenizer.encode}
   * @returns ids, mask, shape and row lengths
   * @throws InvalidArgumentError when a row is longer than a fixed `padding` (crop first: `centerCrop`,
   * `slidingWindows`), or for an empty batch
   * @example
   * ```ts
   * const { inputIds, attentionMask, length } = new EsmTokenizer().encodeBatch(['MKT', 'M'], { padding: 8 });
   * length; // 8
   * ```
   */
  encodeBatch(sequences: readonly string[], options: EsmBatchOptions = {}): EsmBatch {
    if (sequences.length === 0) throw new InvalidArgumentError('sequences', 'encodeBatch needs at least one sequence.');
    const rows = sequences.map((s) => this.encode(s, options));
    const padding = options.padding ?? 'longest';
    let length = 0;
    for (const r of rows) length = Math.max(length, r.length);
    if (padding !== 'longest') {
      if (!Number.isInteger(padding) || padding < 1) {
        throw new InvalidArgumentError('padding', `padding must be 'longest' or a positive integer, received ${String(padding)}.`);
      }
      const over = rows.findIndex((r) => r.length > padding);
      if (over >= 0) {
        throw new InvalidArgumentError(
          'padding',
          `Sequence ${over} has ${rows[over]!.length} tokens, more than padding = ${padding}. Crop it first (centerCrop) or split it (slidingWindows).`,
        );
      }
      length = padding;
    }
    const batchSize = rows.length;
    const inputIds = new Int32Array(batchSize * length).fill(this.padId);
    const attentionMask = new Int32Array(batchSize * length);
    const lengths = new Int32Array(batchSize);
    rows.forEach((r, b) => {
      inputIds.set(r, b * length);
      attentionMask.fill(1, b * length, b * length + r.length);
      lengths[b] = r.length;
    });
    return { inputIds, attentionMask, batchSize, length, lengths };
  }

  /**
   * Turns ids back into text.
   * @param ids - token ids
   * @param options - skip special tokens, separator
   * @returns the tokens joined
   * @throws InvalidArgumentError for an id outside the vocabulary
   * @example
   * ```ts
   * new EsmTokenizer().decode([0, 20, 15, 2]); // '<cls>MK<eos>'
   * ```
   */
  decode(ids: ArrayLike<number>, options: EsmDecodeOptions = {}): string {
    const parts: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const token = Number.isInteger(id) ? this.vocab[id] : undefined;
      if (token === undefined) throw new InvalidArgumentError('ids', `Token id ${id} at position ${i} is outside the vocabulary (0..${this.vocabSize - 1}).`);
      if (options.skipSpecialTokens && this.special.has(id)) continue;
      parts.push(token);
    }
    return parts.join(options.separator ?? '');
  }

  private matchMulti(text: string, i: number): [string, number] | undefined {
    for (const entry of this.multi) if (text.startsWith(entry[0], i)) return entry;
    return undefined;
  }
}
