import { PROTEIN_RESIDUES } from '../alphabet/protein-alphabet';
import { ESM2_VOCAB } from '../tokenize/esm-vocab';

/** Result of {@link encodeResidues}: the token ids, or the first character that is not a residue. */
export type ResidueEncoding =
  | { ok: true; tokens: Uint8Array }
  | { ok: false; character: string; position: number };

// ASCII code -> ESM-2 token id of the residue (either case), or 0 (not a residue: id 0 is <cls>, never a residue)
const RESIDUE_IDS = (() => {
  const table = new Uint8Array(128);
  for (const r of PROTEIN_RESIDUES) {
    const id = ESM2_VOCAB.indexOf(r);
    table[r.charCodeAt(0)] = id;
    table[r.toLowerCase().charCodeAt(0)] = id;
  }
  return table;
})();

/**
 * Encodes a protein sequence as ESM-2 residue token ids, the ids `EsmTokenizer` gives (lower case upper-cased): the 20
 * standard amino acids and the rare X, B, U, Z, O, each its own ESM-2 token; no `<cls>`/`<eos>`.
 *
 * @remarks One trailing `*` (a stop codon written by some databases) is dropped. Any other character (gaps `-` and
 * `.`, `*` inside the sequence, `J`, digits, ...) makes the sequence invalid: the pretraining corpus holds residues
 * only, so {@link writePretrainingCorpus} leaves such sequences out and counts them by that character.
 *
 * @param sequence - residues, either case
 * @returns `{ ok: true, tokens }` (ids 4..28 of `ESM2_VOCAB`), or `{ ok: false, character, position }` for the first
 * character that is not a residue (0-based position)
 * @example
 * ```ts
 * const r = encodeResidues('MKtu*');
 * if (r.ok) Array.from(r.tokens); // [20, 15, 11, 26]
 * encodeResidues('MK-T');          // { ok: false, character: '-', position: 2 }
 * ```
 */
export function encodeResidues(sequence: string): ResidueEncoding {
  let n = sequence.length;
  if (n > 0 && sequence.charCodeAt(n - 1) === 42 /* * */) n--;
  const tokens = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = sequence.charCodeAt(i);
    const id = c < 128 ? RESIDUE_IDS[c]! : 0;
    if (id === 0) return { ok: false, character: String.fromCodePoint(sequence.codePointAt(i)!), position: i };
    tokens[i] = id;
  }
  return { ok: true, tokens };
}
