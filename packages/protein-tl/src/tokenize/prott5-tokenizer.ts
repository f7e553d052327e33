/**
 * ProtT5-style tokenisation from a user-supplied Hugging Face `tokenizer.json` (through @huggingface/tokenizers).
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { DataFormatError, InvalidArgumentError, ModelNotFoundError } from '@lab/tensor-core';

/** Options of {@link ProtT5Tokenizer.encode}. */
export interface ProtT5EncodeOptions {
  /** ProtT5's convention maps the rare residues U, Z, O and B to X before tokenising; `'keep'` leaves them. @default 'x' */
  rare?: 'x' | 'keep';
  /** A residue the vocabulary lacks: `'unk'` keeps the tokenizer's `<unk>`, `'error'` throws. @default 'unk' */
  unknown?: 'unk' | 'error';
}

/** A padded batch from {@link ProtT5Tokenizer.encodeBatch}: row-major `[batchSize × length]`. */
export interface ProtT5Batch {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  batchSize: number;
  length: number;
}

/**
 * Tokenises protein sequences the way ProtT5 expects: residues upper-cased, the rare U, Z, O, B mapped to X, separated
 * by spaces, then the checkpoint's own tokenizer.json (SentencePiece Unigram, `</s>` appended) through
 * @huggingface/tokenizers.
 * @example
 * ```ts
 * const tok = await ProtT5Tokenizer.fromFile('prot_t5_xl_uniref50/tokenizer.json');
 * tok.encode('MKTAYU'); // ids of ▁M ▁K ▁T ▁A ▁Y ▁X </s>
 * ```
 */
export class ProtT5Tokenizer {
  /** The id of `<pad>`. */
  readonly padId: number;
  /** The id of `<unk>` (-1 when the vocabulary has none). */
  readonly unkId: number;
  /** The id of `</s>`, which ProtT5's tokenizer appends to every sequence (-1 when the vocabulary has none). */
  readonly eosId: number;
  /** One more than the largest token id (pieces and added tokens): the embedding rows a model needs. */
  readonly vocabSize: number;
  /**
   * sha256 (hex) of the tokenizer.json as parsed and serialised again (`JSON.stringify`), so whitespace does not count:
   * the tokeniser part of an embedder's cache id.
   */
  readonly sha256: string;
  private readonly tokenizer: Tokenizer;

  /**
   * @param json - the parsed tokenizer.json
   * @param config - the parsed tokenizer_config.json, when there is one
   * @param source - the file name for messages
   * @throws DataFormatError when the tokenizer cannot be built or has no `<pad>`
   */
  constructor(json: unknown, config: Record<string, unknown> = {}, source = '<tokenizer.json>') {
    try {
      this.tokenizer = new Tokenizer(json as never, config as never);
    } catch (e) {
      throw new DataFormatError(source, `is not a tokenizer.json that @huggingface/tokenizers can build: ${(e as Error).message}`, undefined, { cause: e });
    }
    const added = ((json as { added_tokens?: Array<{ id: number; content: string }> }).added_tokens ?? []);
    const pad = added.find((t) => t.content === '<pad>');
    if (!pad) throw new DataFormatError(source, 'has no "<pad>" added token; ProtT5 tokenizers pad with <pad> (id 0).');
    this.padId = pad.id;
    this.unkId = added.find((t) => t.content === '<unk>')?.id ?? -1;
    this.eosId = added.find((t) => t.content === '</s>')?.id ?? -1;
    let top = -1;
    for (const id of this.tokenizer.get_vocab(true).values()) top = Math.max(top, id);
    for (const t of added) top = Math.max(top, t.id);
    this.vocabSize = top + 1;
    this.sha256 = createHash('sha256').update(JSON.stringify(json)).digest('hex');
  }

  /**
   * Reads a tokenizer.json (and the tokenizer_config.json next to it, when present).
   * @param path - the tokenizer.json
   * @returns the tokenizer
   * @throws ModelNotFoundError when the file is missing; DataFormatError when it is not valid
   * @example
   * ```ts
   * const tok = await ProtT5Tokenizer.fromFile('checkpoint/tokenizer.json');
   * ```
   */
  static async fromFile(path: string): Promise<ProtT5Tokenizer> {
    if (!existsSync(path)) throw new ModelNotFoundError(path, 'tokenizer.json');
    const parse = async (p: string) => {
      try {
        return JSON.parse(await readFile(p, 'utf8')) as Record<string, unknown>;
      } catch (e) {
        throw new DataFormatError(p, `is not valid JSON: ${(e as Error).message}`, undefined, { cause: e });
      }
    };
    const configPath = path.replace(/tokenizer\.json$/, 'tokenizer_config.json');
    const config = configPath !== path && existsSync(configPath) ? await parse(configPath) : {};
    return new ProtT5Tokenizer(await parse(path), config, path);
  }

  /**
   * The text ProtT5's tokenizer sees: upper case, rare residues as X (by default), residues separated by spaces.
   * @param sequence - residues
   * @param options - rare-residue handling
   * @returns e.g. `'M K T A Y X'`
   * @throws InvalidArgumentError for an empty sequence or a character that is not a letter
   * @example
   * ```ts
   * tok.prepare('mktU'); // 'M K T X'
   * ```
   */
  prepare(sequence: string, options: ProtT5EncodeOptions = {}): string {
    if (typeof sequence !== 'string' || sequence.length === 0) throw new InvalidArgumentError('sequence', 'The sequence is empty; give at least one residue.');
    let s = sequence.toUpperCase();
    const bad = s.search(/[^A-Z]/);
    if (bad >= 0) throw new InvalidArgumentError('sequence', `Position ${bad + 1} holds "${s[bad]}", not a residue letter; remove gaps and spaces first (ungapSequence).`);
    if ((options.rare ?? 'x') === 'x') s = s.replace(/[UZOB]/g, 'X');
    return s.split('').join(' ');
  }

  /**
   * Token ids of one sequence, `</s>` included.
   * @param sequence - residues
   * @param options - rare and unknown residues
   * @returns the ids
   * @throws InvalidArgumentError for bad residues, or an unknown one with `unknown: 'error'`
   * @example
   * ```ts
   * Array.from(tok.encode('MK')); // [id(▁M), id(▁K), id(</s>)]
   * ```
   */
  encode(sequence: string, options: ProtT5EncodeOptions = {}): Int32Array {
    const e = this.tokenizer.encode(this.prepare(sequence, options));
    const ids = Int32Array.from(e.ids as ArrayLike<number>, Number);
    if ((options.unknown ?? 'unk') === 'error' && this.unkId >= 0) {
      const at = ids.indexOf(this.unkId);
      if (at >= 0) throw new InvalidArgumentError('sequence', `The tokenizer has no piece for a residue of this sequence (token ${at + 1}, "${e.tokens?.[at] ?? '?'}"); check the residues or use unknown: 'unk'.`);
    }
    return ids;
  }

  /**
   * Encodes sequences and pads them with `<pad>` into one batch with attention masks (int64, as T5 encoders take).
   * @param sequences - residues
   * @param options - rare and unknown residues
   * @returns the padded batch
   * @example
   * ```ts
   * const b = tok.encodeBatch(['MKT', 'MK']); // length 4, second row padded once
   * ```
   */
  encodeBatch(sequences: readonly string[], options: ProtT5EncodeOptions = {}): ProtT5Batch {
    if (!Array.isArray(sequences) || sequences.length === 0) throw new InvalidArgumentError('sequences', 'No sequences to encode.');
    const rows = sequences.map((s) => this.encode(s, options));
    const length = Math.max(...rows.map((r) => r.length));
    const inputIds = new BigInt64Array(rows.length * length).fill(BigInt(this.padId));
    const attentionMask = new BigInt64Array(rows.length * length);
    rows.forEach((r, i) => {
      for (let t = 0; t < r.length; t++) {
        inputIds[i * length + t] = BigInt(r[t]!);
        attentionMask[i * length + t] = 1n;
      }
    });
    return { inputIds, attentionMask, batchSize: rows.length, length };
  }
}
