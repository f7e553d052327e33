import { DataFormatError, InvalidArgumentError, LabError } from '@lab/tensor-core';
import { NgramTable } from './ngram-table';
import { CsrMatrix } from './sparse-matrix';
import { analyzeDocument, IntBuffer, type Analyzer } from './text-analysis';

export type { Analyzer } from './text-analysis';

/** Options of {@link TfidfVectorizer}; names and defaults follow scikit-learn 1.2's `TfidfVectorizer`. */
export interface TfidfVectorizerOptions {
  /** `'word'` (token pattern `(?u)\b\w\w+\b`), `'char'` or `'char_wb'`. @default 'word' */
  analyzer?: Analyzer;
  /** Smallest and largest n of the n-grams. @default [1, 1] */
  ngramRange?: readonly [number, number];
  /** Lower-case before analysis (JavaScript's `toLowerCase`, which equals Python's `str.lower`). @default true */
  lowercase?: boolean;
  /**
   * Ignore terms in fewer documents than this: an integer count, or a proportion in `(0, 1)` of the documents.
   * @default 1
   */
  minDf?: number;
  /**
   * Ignore terms in more documents than this: a proportion in `(0, 1]` (so `1` means all documents, scikit-learn's
   * default `1.0`), or an integer count above 1.
   * @default 1
   */
  maxDf?: number;
  /** Row normalisation. @default 'l2' */
  norm?: 'l2' | 'l1' | null;
  /** Weight by inverse document frequency. @default true */
  useIdf?: boolean;
  /** Add one to document frequencies and to the document count: `idf = ln((1 + n) / (1 + df)) + 1`. @default true */
  smoothIdf?: boolean;
  /** Use `1 + ln(tf)` instead of `tf`. @default false */
  sublinearTf?: boolean;
}

/** The saved form of a fitted {@link TfidfVectorizer} (see {@link TfidfVectorizer.toJSON}). */
export interface TfidfVectorizerJson {
  format: typeof FORMAT;
  version: 1;
  options: Required<Omit<TfidfVectorizerOptions, 'ngramRange'>> & { ngramRange: [number, number] };
  /** Feature names, in column order. */
  features: string[];
  /** Inverse document frequency of each column (absent when `useIdf` is false). */
  idf?: number[];
}

const FORMAT = '@lab/rumedbench/tfidf-vectorizer';

/**
 * Tf-idf features of texts, equal to scikit-learn 1.2's `TfidfVectorizer` with the same options (vocabulary in Python's
 * string order, i.e. by code point; the same n-grams, counts, idf and normalisation), as a {@link CsrMatrix} of float64.
 *
 * @remarks
 * n-grams are hashed straight from the text's code points into a table of ids, so fitting allocates no string per
 * n-gram; strings are only made for {@link TfidfVectorizer.featureNames} and saving. Characters assigned after Unicode 14
 * may be classified differently from Python 3.11's `re`.
 *
 * @example
 * ```ts
 * const v = new TfidfVectorizer({ analyzer: 'char', ngramRange: [3, 8] });
 * const X = v.fitTransform(['Боль в горле', 'кашель']);
 * ```
 */
export class TfidfVectorizer {
  private readonly analyzer: Analyzer;
  private readonly minN: number;
  private readonly maxN: number;
  private readonly lowercase: boolean;
  private readonly minDf: number;
  private readonly maxDf: number;
  private readonly norm: 'l2' | 'l1' | null;
  private readonly useIdf: boolean;
  private readonly smoothIdf: boolean;
  private readonly sublinearTf: boolean;
  private table: NgramTable | undefined;
  /** column of each table id, -1 when pruned */
  private column: Int32Array | undefined;
  private idfValues: Float64Array | undefined;
  private nFeatures = 0;
  private readonly scratch: [IntBuffer, IntBuffer] = [new IntBuffer(), new IntBuffer()];

  /**
   * @param options - see {@link TfidfVectorizerOptions}
   * @throws InvalidArgumentError for bad options
   */
  constructor(options: TfidfVectorizerOptions = {}) {
    this.analyzer = options.analyzer ?? 'word';
    if (!['word', 'char', 'char_wb'].includes(this.analyzer)) throw new InvalidArgumentError('analyzer', `analyzer must be 'word', 'char' or 'char_wb', received ${String(this.analyzer)}.`);
    const [minN, maxN] = options.ngramRange ?? [1, 1];
    if (!Number.isInteger(minN) || !Number.isInteger(maxN) || minN < 1 || maxN < minN) {
      throw new InvalidArgumentError('ngramRange', `ngramRange must be two integers 1 <= min <= max, received [${minN}, ${maxN}].`);
    }
    this.minN = minN;
    this.maxN = maxN;
    this.lowercase = options.lowercase ?? true;
    this.minDf = options.minDf ?? 1;
    this.maxDf = options.maxDf ?? 1;
    for (const [name, v] of [['minDf', this.minDf], ['maxDf', this.maxDf]] as const) {
      if (!(v >= 0) || !Number.isFinite(v) || (v > 1 && !Number.isInteger(v))) throw new InvalidArgumentError(name, `${name} must be a proportion in [0, 1] or an integer count, received ${v}.`);
    }
    this.norm = options.norm === undefined ? 'l2' : options.norm;
    if (this.norm !== null && this.norm !== 'l1' && this.norm !== 'l2') throw new InvalidArgumentError('norm', `norm must be 'l2', 'l1' or null, received ${String(this.norm)}.`);
    this.useIdf = options.useIdf ?? true;
    this.smoothIdf = options.smoothIdf ?? true;
    this.sublinearTf = options.sublinearTf ?? false;
  }

  /** Number of features (columns) after fitting. */
  get featureCount(): number {
    return this.nFeatures;
  }

  /** The idf of each column, after fitting with `useIdf`. */
  get idf(): Float64Array | undefined {
    return this.idfValues;
  }

  private analyze(doc: string, emit: (buf: Int32Array, start: number, len: number) => void): void {
    if (typeof doc !== 'string') throw new InvalidArgumentError('documents', `documents must be strings, received ${typeof doc}.`);
    analyzeDocument(this.lowercase ? doc.toLowerCase() : doc, this.analyzer, this.minN, this.maxN, this.scratch, emit);
  }

  /**
   * Learns the vocabulary and idf.
   * @param documents - the training texts
   */
  fit(documents: readonly string[]): this {
    this.fitTransform(documents);
    return this;
  }

  /**
   * Learns the vocabulary and idf, and returns the tf-idf matrix of `documents`.
   * @param documents - the training texts
   * @throws InvalidArgumentError when no term is left after pruning
   */
  fitTransform(documents: readonly string[]): CsrMatrix {
    const table = new NgramTable();
    const nDocs = documents.length;
    // per-document (id, count) lists, in one growing pair of arrays
    let ids = new Int32Array(1 << 16);
    let counts = new Int32Array(1 << 16);
    let used = 0;
    const rowPtr = new Int32Array(nDocs + 1);
    let slotCount = new Int32Array(1 << 12); // count of an id within the current document
    let df = new Int32Array(1 << 12);
    const touched: number[] = [];
    const emit = (buf: Int32Array, start: number, len: number): void => {
      const id = table.add(buf, start, len);
      if (id >= slotCount.length) {
        slotCount = growInt(slotCount, slotCount.length * 2);
        df = growInt(df, df.length * 2);
      }
      if (slotCount[id] === 0) touched.push(id);
      slotCount[id] = slotCount[id]! + 1;
    };
    for (let d = 0; d < nDocs; d++) {
      touched.length = 0;
      this.analyze(documents[d]!, emit);
      if (used + touched.length > ids.length) {
        const cap = Math.max(ids.length * 2, used + touched.length);
        ids = growInt(ids, cap);
        counts = growInt(counts, cap);
      }
      for (const id of touched) {
        ids[used] = id;
        counts[used++] = slotCount[id]!;
        slotCount[id] = 0;
        df[id] = df[id]! + 1;
      }
      rowPtr[d + 1] = used;
    }
    const nTerms = table.size;

    // document-frequency pruning, then columns in code-point order
    const high = this.maxDf <= 1 ? this.maxDf * nDocs : this.maxDf;
    const low = this.minDf < 1 ? this.minDf * nDocs : this.minDf;
    if (high < low) throw new InvalidArgumentError('maxDf', 'maxDf corresponds to fewer documents than minDf.');
    let kept = 0;
    const keep = new Int32Array(nTerms);
    for (let id = 0; id < nTerms; id++) {
      const f = df[id]!;
      if (f <= high && f >= low) keep[kept++] = id;
    }
    if (kept === 0) throw new InvalidArgumentError('documents', nTerms === 0 ? 'empty vocabulary; perhaps the documents only contain stop words or are too short' : 'After pruning, no terms remain. Try a lower minDf or a higher maxDf.');
    const order = keep.subarray(0, kept).sort((a, b) => table.compare(a, b));
    const column = new Int32Array(nTerms).fill(-1);
    for (let c = 0; c < kept; c++) column[order[c]!] = c;

    let idf: Float64Array | undefined;
    if (this.useIdf) {
      idf = new Float64Array(kept);
      const s = this.smoothIdf ? 1 : 0;
      const n = nDocs + s;
      for (let c = 0; c < kept; c++) idf[c] = Math.log(n / (df[order[c]!]! + s)) + 1;
    }
    this.table = table;
    this.column = column;
    this.idfValues = idf;
    this.nFeatures = kept;

    // rows with sorted columns
    const indptr = new Int32Array(nDocs + 1);
    let nnz = 0;
    for (let d = 0; d < nDocs; d++) {
      for (let k = rowPtr[d]!; k < rowPtr[d + 1]!; k++) if (column[ids[k]!]! >= 0) nnz++;
      indptr[d + 1] = nnz;
    }
    const indices = new Int32Array(nnz);
    const data = new Float64Array(nnz);
    const colCount = new Float64Array(kept);
    let p = 0;
    for (let d = 0; d < nDocs; d++) {
      const start = p;
      for (let k = rowPtr[d]!; k < rowPtr[d + 1]!; k++) {
        const c = column[ids[k]!]!;
        if (c < 0) continue;
        indices[p++] = c;
        colCount[c] = counts[k]!;
      }
      const row = indices.subarray(start, p).sort();
      for (let k = 0; k < row.length; k++) data[start + k] = colCount[row[k]!]!;
    }
    const X = new CsrMatrix(nDocs, kept, data, indices, indptr);
    this.weigh(X);
    return X;
  }

  /**
   * The tf-idf matrix of `documents` with the fitted vocabulary (unknown n-grams are ignored).
   * @param documents - texts
   * @throws LabError `NOT_FITTED` before {@link TfidfVectorizer.fit}
   */
  transform(documents: readonly string[]): CsrMatrix {
    const table = this.table;
    const column = this.column;
    if (!table || !column) throw new LabError('NOT_FITTED', 'TfidfVectorizer: call fit() or fitTransform() before transform().');
    const nDocs = documents.length;
    const indptr = new Int32Array(nDocs + 1);
    let indices = new Int32Array(1 << 16);
    let data = new Float64Array(1 << 16);
    let nnz = 0;
    const colCount = new Float64Array(this.nFeatures);
    const touched: number[] = [];
    const emit = (buf: Int32Array, start: number, len: number): void => {
      const id = table.find(buf, start, len);
      if (id < 0) return;
      const c = column[id]!;
      if (c < 0) return;
      if (colCount[c] === 0) touched.push(c);
      colCount[c] = colCount[c]! + 1;
    };
    for (let d = 0; d < nDocs; d++) {
      touched.length = 0;
      this.analyze(documents[d]!, emit);
      touched.sort((a, b) => a - b);
      if (nnz + touched.length > indices.length) {
        const cap = Math.max(indices.length * 2, nnz + touched.length);
        indices = growInt(indices, cap);
        const nd = new Float64Array(cap);
        nd.set(data);
        data = nd;
      }
      for (const c of touched) {
        indices[nnz] = c;
        data[nnz++] = colCount[c]!;
        colCount[c] = 0;
      }
      indptr[d + 1] = nnz;
    }
    const X = new CsrMatrix(nDocs, this.nFeatures, data.slice(0, nnz), indices.slice(0, nnz), indptr);
    this.weigh(X);
    return X;
  }

  /** counts -> (sublinear) tf -> tf * idf -> row normalisation, in place */
  private weigh(X: CsrMatrix): void {
    const { data, indices, indptr } = X;
    const idf = this.idfValues;
    for (let r = 0; r < X.rows; r++) {
      const a = indptr[r]!;
      const b = indptr[r + 1]!;
      let norm = 0;
      for (let k = a; k < b; k++) {
        let v = data[k]!;
        if (this.sublinearTf) v = Math.log(v) + 1;
        if (idf) v *= idf[indices[k]!]!;
        data[k] = v;
        norm += this.norm === 'l1' ? Math.abs(v) : v * v;
      }
      if (this.norm === null || norm === 0) continue;
      if (this.norm === 'l2') norm = Math.sqrt(norm);
      for (let k = a; k < b; k++) data[k] = data[k]! / norm;
    }
  }

  /**
   * The feature names in column order (scikit-learn's `get_feature_names_out()`).
   * @throws LabError `NOT_FITTED` before fitting
   */
  featureNames(): string[] {
    const table = this.table;
    const column = this.column;
    if (!table || !column) throw new LabError('NOT_FITTED', 'TfidfVectorizer: not fitted.');
    const names = new Array<string>(this.nFeatures);
    for (let id = 0; id < column.length; id++) {
      const c = column[id]!;
      if (c >= 0) names[c] = table.key(id);
    }
    return names;
  }

  /**
   * The fitted vectorizer as a JSON-serialisable object (load it with {@link TfidfVectorizer.fromJSON}).
   * @throws LabError `NOT_FITTED` before fitting
   */
  toJSON(): TfidfVectorizerJson {
    const features = this.featureNames();
    return {
      format: FORMAT,
      version: 1,
      options: {
        analyzer: this.analyzer,
        ngramRange: [this.minN, this.maxN],
        lowercase: this.lowercase,
        minDf: this.minDf,
        maxDf: this.maxDf,
        norm: this.norm,
        useIdf: this.useIdf,
        smoothIdf: this.smoothIdf,
        sublinearTf: this.sublinearTf,
      },
      features,
      ...(this.idfValues ? { idf: Array.from(this.idfValues) } : {}),
    };
  }

  /**
   * Rebuilds a fitted vectorizer saved with {@link TfidfVectorizer.toJSON}.
   * @param json - the parsed object
   * @throws DataFormatError when it is not a saved vectorizer of a known version
   */
  static fromJSON(json: unknown): TfidfVectorizer {
    const j = json as Partial<TfidfVectorizerJson> | null;
    if (!j || j.format !== FORMAT) throw new DataFormatError('TfidfVectorizer JSON', `not a saved TfidfVectorizer (format should be "${FORMAT}")`);
    if (j.version !== 1) throw new DataFormatError('TfidfVectorizer JSON', `unsupported TfidfVectorizer version ${String(j.version)}; this build reads version 1`);
    if (!j.options || !Array.isArray(j.features)) throw new DataFormatError('TfidfVectorizer JSON', 'saved TfidfVectorizer lacks options or features');
    if (j.options.useIdf && (!Array.isArray(j.idf) || j.idf.length !== j.features.length)) throw new DataFormatError('TfidfVectorizer JSON', 'saved TfidfVectorizer: idf must have one value per feature');
    const v = new TfidfVectorizer(j.options);
    const table = new NgramTable();
    const buf = new IntBuffer();
    for (const f of j.features) {
      const n = toCodePointsOf(f, buf);
      const id = table.add(buf.data, 0, n);
      if (id !== table.size - 1) throw new DataFormatError('TfidfVectorizer JSON', `saved TfidfVectorizer repeats the feature ${JSON.stringify(f)}`);
    }
    v.table = table;
    v.column = Int32Array.from({ length: table.size }, (_, i) => i);
    v.nFeatures = table.size;
    v.idfValues = j.options.useIdf ? Float64Array.from(j.idf!) : undefined;
    return v;
  }
}

function toCodePointsOf(s: string, into: IntBuffer): number {
  const cps = Array.from(s, (c) => c.codePointAt(0)!);
  const buf = into.reserve(cps.length);
  buf.set(cps);
  return cps.length;
}

function growInt(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
