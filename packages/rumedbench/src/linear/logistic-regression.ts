import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { DataFormatError, InvalidArgumentError, LabError, minimizeLbfgs, uniqueLabels, type Label, type ProgressCallback } from '@lab/tensor-core';
import { groupDuplicateColumns } from './column-groups';
import { CsrMatrix } from './sparse-matrix';

/** Options of {@link LogisticRegression}; names and defaults follow scikit-learn 1.2 (`solver='lbfgs'`). */
export interface LogisticRegressionOptions {
  /** Inverse L2 strength: each class minimises `sum log-loss + ||w||² / (2C)`. @default 1 */
  C?: number;
  /** Most L-BFGS iterations per class (`max_iter`). @default 100 */
  maxIter?: number;
  /** Gradient tolerance (`tol`, scipy's `gtol`). @default 1e-4 */
  tol?: number;
  /** Fit an unpenalised intercept. @default true */
  fitIntercept?: boolean;
  /** L-BFGS history size (scipy's `maxcor`). @default 10 */
  memory?: number;
  /**
   * Worker threads for {@link LogisticRegression.fit}; `1` fits in this thread. Falls back to this thread when workers
   * cannot start. @default os.availableParallelism()
   */
  workers?: number;
  /**
   * Fit on one copy of each set of identical feature columns (common among n-gram features) and share its weight
   * among them; an exact reformulation of the L2 problem that makes fitting several times faster. @default true
   */
  mergeDuplicateColumns?: boolean;
  /** Called after each class is fitted: `{ completed, total, label }`. */
  onProgress?: ProgressCallback;
}

/** How the last fit went. */
export interface LogisticFitInfo {
  /** L-BFGS iterations of each binary model. */
  iterations: Int32Array;
  /** Whether each binary model met a tolerance before `maxIter`. */
  converged: boolean[];
  /** Worker threads used (0 = fitted in the calling thread). */
  workers: number;
}

/** Header of a saved {@link LogisticRegression} (see {@link LogisticRegression.toJSON}). */
export interface LogisticRegressionJson {
  format: typeof FORMAT;
  version: 1;
  options: { C: number; maxIter: number; tol: number; fitIntercept: boolean; memory: number };
  classes: Label[];
  nFeatures: number;
  intercept: number[];
  /**
   * Base64 little-endian int32: the weight slot of each feature (features with identical columns in training share
   * one); absent when every feature has its own slot.
   */
  slots?: string;
  /** Per binary model, base64 little-endian float64 weights, one per slot. */
  coef: string[];
}

const FORMAT = '@lab/rumedbench/logistic-regression';
const WORKER_KEY = '__labRumedbenchLogisticWorker';

interface BinaryFitOptions {
  C: number;
  maxIter: number;
  tol: number;
  fitIntercept: boolean;
  memory: number;
}

/**
 * Fits one binary L2 logistic regression `min sum_i softplus(z_i) - t_i z_i + ||w||²/(2C)`, `z = X w + b`, with L-BFGS
 * from zero, as scikit-learn's lbfgs path; writes w into `coefOut`.
 * @returns intercept, iterations and whether it converged
 */
function fitBinary(X: CsrMatrix, target: Uint8Array, o: BinaryFitOptions, coefOut: Float64Array): { intercept: number; iterations: number; converged: boolean } {
  const { rows, cols, data, indices, indptr } = X;
  const dim = cols + (o.fitIntercept ? 1 : 0);
  const invC = 1 / o.C;
  const resid = new Float64Array(rows);
  const fg = (w: Float64Array, g: Float64Array): number => {
    const b = o.fitIntercept ? w[cols]! : 0;
    let f = 0;
    let gb = 0;
    for (let r = 0; r < rows; r++) {
      let z = b;
      const end = indptr[r + 1]!;
      for (let k = indptr[r]!; k < end; k++) z += data[k]! * w[indices[k]!]!;
      const t = target[r]!;
      let p: number;
      if (z > 0) {
        const e = Math.exp(-z);
        f += z + Math.log1p(e) - t * z;
        p = 1 / (1 + e);
      } else {
        const e = Math.exp(z);
        f += Math.log1p(e) - t * z;
        p = e / (1 + e);
      }
      const rr = p - t;
      resid[r] = rr;
      gb += rr;
    }
    let reg = 0;
    for (let j = 0; j < cols; j++) {
      const wj = w[j]!;
      reg += wj * wj;
      g[j] = invC * wj;
    }
    f += 0.5 * invC * reg;
    for (let r = 0; r < rows; r++) {
      const rr = resid[r]!;
      const end = indptr[r + 1]!;
      for (let k = indptr[r]!; k < end; k++) {
        const j = indices[k]!;
        g[j] = g[j]! + rr * data[k]!;
      }
    }
    if (o.fitIntercept) g[cols] = gb;
    return f;
  };
  const res = minimizeLbfgs(fg, new Float64Array(dim), { maxIterations: o.maxIter, gradientTolerance: o.tol, memory: o.memory, maxLineSearch: 20 });
  coefOut.set(res.x.subarray(0, cols));
  return { intercept: o.fitIntercept ? res.x[cols]! : 0, iterations: res.iterations, converged: res.converged };
}

interface WorkerInit {
  [WORKER_KEY]: true;
  rows: number;
  cols: number;
  data: Float64Array;
  indices: Int32Array;
  indptr: Int32Array;
  labels: Int32Array;
  options: BinaryFitOptions;
  coef: Float64Array;
}

function sharedF64(a: Float64Array, n: number): Float64Array {
  if (a.buffer instanceof SharedArrayBuffer && a.length === n) return a;
  const out = new Float64Array(new SharedArrayBuffer(n * 8));
  out.set(a.subarray(0, n));
  return out;
}

function sharedI32(a: Int32Array, n: number): Int32Array {
  if (a.buffer instanceof SharedArrayBuffer && a.length === n) return a;
  const out = new Int32Array(new SharedArrayBuffer(n * 4));
  out.set(a.subarray(0, n));
  return out;
}

/**
 * The file a worker loads: this module, or the package entry it is bundled into. Never another bundle (a CLI would run
 * its command in the worker); undefined when none is found, and fit() then runs in the calling thread.
 */
function workerEntry(): string | undefined {
  const file = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  if (/^(index|logistic-regression)\.([cm]?js|[cm]?ts)$/.test(basename(file))) return file;
  const sibling = join(dirname(file), file.endsWith('.cjs') ? 'index.cjs' : 'index.js');
  return existsSync(sibling) ? sibling : undefined;
}

// Worker side: the same module, started by LogisticRegression.fit() with workerData[WORKER_KEY].
if (!isMainThread && parentPort && (workerData as Partial<WorkerInit> | null)?.[WORKER_KEY] === true) {
  const init = workerData as WorkerInit;
  const X = new CsrMatrix(init.rows, init.cols, init.data, init.indices, init.indptr);
  const port = parentPort;
  const target = new Uint8Array(init.rows);
  port.on('message', (msg: { model: number; positive: number }) => {
    for (let r = 0; r < init.rows; r++) target[r] = init.labels[r] === msg.positive ? 1 : 0;
    const out = init.coef.subarray(msg.model * init.cols, (msg.model + 1) * init.cols);
    const res = fitBinary(X, target, init.options, out);
    port.postMessage({ model: msg.model, ...res });
  });
}

/**
 * One-vs-rest L2 logistic regression on sparse features, equal to scikit-learn 1.2's
 * `LogisticRegression(penalty='l2', multi_class='ovr', solver='lbfgs')`: one binary model per class (one in all for
 * two classes), each fitted with {@link minimizeLbfgs} from zero with an unpenalised intercept; probabilities are the
 * per-class sigmoids normalised to sum to one.
 *
 * @remarks
 * {@link LogisticRegression.fit} fits the classes in parallel on worker threads that share the matrix and the
 * coefficients through SharedArrayBuffers; {@link LogisticRegression.fitSync} fits them in the calling thread.
 *
 * @example
 * ```ts
 * const lr = await new LogisticRegression({ C: 10 }).fit(X, labels);
 * const top3 = lr.topK(Xtest, 3);
 * ```
 */
export class LogisticRegression {
  private readonly options: BinaryFitOptions;
  private readonly workers: number;
  private readonly onProgress: ProgressCallback | undefined;
  private readonly merge: boolean;
  /** weight slot of each feature */
  private slot: Int32Array = new Int32Array(0);
  private nSlots = 0;
  /** nModels x nSlots */
  private weights: Float64Array = new Float64Array(0);
  /** nSlots x nModels copy of `weights` for prediction, made on first use */
  private weightsBySlot: Float64Array | undefined;
  /** Sorted class labels (after fitting). */
  classes: Label[] = [];
  /** Intercept of each binary model. */
  intercept: Float64Array = new Float64Array(0);
  /** Number of features seen in fit. */
  nFeatures = 0;
  /** How the last fit went. */
  fitInfo: LogisticFitInfo | undefined;

  /**
   * @param options - see {@link LogisticRegressionOptions}
   * @throws InvalidArgumentError for bad options
   */
  constructor(options: LogisticRegressionOptions = {}) {
    const C = options.C ?? 1;
    const maxIter = options.maxIter ?? 100;
    const tol = options.tol ?? 1e-4;
    const memory = options.memory ?? 10;
    if (!(C > 0) || !Number.isFinite(C)) throw new InvalidArgumentError('C', `C must be a positive number, received ${C}.`);
    if (!Number.isInteger(maxIter) || maxIter < 0) throw new InvalidArgumentError('maxIter', `maxIter must be an integer >= 0, received ${maxIter}.`);
    if (!(tol >= 0)) throw new InvalidArgumentError('tol', `tol must be >= 0, received ${tol}.`);
    if (!Number.isInteger(memory) || memory < 1) throw new InvalidArgumentError('memory', `memory must be an integer >= 1, received ${memory}.`);
    this.options = { C, maxIter, tol, fitIntercept: options.fitIntercept ?? true, memory };
    this.workers = options.workers ?? availableParallelism();
    if (!Number.isInteger(this.workers) || this.workers < 1) throw new InvalidArgumentError('workers', `workers must be an integer >= 1, received ${this.workers}.`);
    this.onProgress = options.onProgress;
    this.merge = options.mergeDuplicateColumns ?? true;
  }

  /**
   * The weights as a dense `nModels x nFeatures` matrix, row-major (one model for two classes), as scikit-learn's
   * `coef_`. Allocates it on every call.
   */
  get coef(): Float64Array {
    const m = this.intercept.length;
    const p = this.nFeatures;
    const out = new Float64Array(m * p);
    for (let k = 0; k < m; k++) for (let j = 0; j < p; j++) out[k * p + j] = this.weights[k * this.nSlots + this.slot[j]!]!;
    return out;
  }

  private prepare(X: CsrMatrix, y: ArrayLike<Label>): { labels: Int32Array; positives: number[]; Xr: CsrMatrix; scale: Float64Array | undefined } {
    if (y.length !== X.rows) throw new InvalidArgumentError('y', `X has ${X.rows} rows but y has ${y.length} labels.`);
    const classes = uniqueLabels(y);
    if (classes.length < 2) throw new InvalidArgumentError('y', `LogisticRegression needs samples of at least 2 classes; the data contain only ${classes.length}.`);
    const index = new Map<Label, number>(classes.map((c, i) => [c, i]));
    const labels = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) labels[i] = index.get(y[i]!)!;
    this.classes = classes;
    this.nFeatures = X.cols;
    const positives = classes.length === 2 ? [1] : classes.map((_, i) => i);
    if (!this.merge) {
      this.slot = Int32Array.from({ length: X.cols }, (_, j) => j);
      this.nSlots = X.cols;
      return { labels, positives, Xr: X, scale: undefined };
    }
    const g = groupDuplicateColumns(X);
    this.slot = g.group;
    this.nSlots = g.reduced.cols;
    return { labels, positives, Xr: g.reduced, scale: g.scale };
  }

  /** reduced-column weights -> weights of each original column */
  private unscale(scale: Float64Array | undefined): void {
    if (!scale) return;
    const q = this.nSlots;
    for (let k = 0; k < this.intercept.length; k++) for (let g = 0; g < q; g++) this.weights[k * q + g] = this.weights[k * q + g]! / scale[g]!;
  }

  /**
   * Fits in the calling thread.
   * @param X - features, one row per sample
   * @param y - labels (numbers or strings)
   * @throws InvalidArgumentError when fewer than two classes or lengths differ
   */
  fitSync(X: CsrMatrix, y: ArrayLike<Label>): this {
    const { labels, positives, Xr, scale } = this.prepare(X, y);
    const m = positives.length;
    const q = this.nSlots;
    this.weights = new Float64Array(m * q);
    this.intercept = new Float64Array(m);
    const info: LogisticFitInfo = { iterations: new Int32Array(m), converged: new Array<boolean>(m).fill(false), workers: 0 };
    const target = new Uint8Array(X.rows);
    for (let k = 0; k < m; k++) {
      for (let r = 0; r < X.rows; r++) target[r] = labels[r] === positives[k] ? 1 : 0;
      const res = fitBinary(Xr, target, this.options, this.weights.subarray(k * q, (k + 1) * q));
      this.intercept[k] = res.intercept;
      info.iterations[k] = res.iterations;
      info.converged[k] = res.converged;
      this.onProgress?.({ completed: k + 1, total: m, label: 'LogisticRegression / fit' });
    }
    this.unscale(scale);
    this.weightsBySlot = undefined;
    this.fitInfo = info;
    return this;
  }

  /**
   * Fits the binary models in parallel on worker threads (sequentially when `workers` is 1 or workers cannot start).
   * @param X - features, one row per sample
   * @param y - labels (numbers or strings)
   * @throws InvalidArgumentError when fewer than two classes or lengths differ
   */
  async fit(X: CsrMatrix, y: ArrayLike<Label>): Promise<this> {
    const nWorkers = Math.min(this.workers, uniqueLabels(y).length);
    const file = workerEntry();
    if (nWorkers <= 1 || !file) return this.fitSync(X, y);
    const { labels, positives, Xr, scale } = this.prepare(X, y);
    const m = positives.length;
    const q = this.nSlots;
    const nnz = Xr.nnz;
    const init: WorkerInit = {
      [WORKER_KEY]: true,
      rows: Xr.rows,
      cols: q,
      data: sharedF64(Xr.data, nnz),
      indices: sharedI32(Xr.indices, nnz),
      indptr: sharedI32(Xr.indptr, Xr.rows + 1),
      labels: sharedI32(labels, Xr.rows),
      options: this.options,
      coef: new Float64Array(new SharedArrayBuffer(m * q * 8)),
    };
    this.weights = init.coef;
    this.intercept = new Float64Array(m);
    const info: LogisticFitInfo = { iterations: new Int32Array(m), converged: new Array<boolean>(m).fill(false), workers: 0 };
    const done = new Uint8Array(m);
    let completed = 0;
    const execArgv = /\.[cm]?ts$/.test(file) ? ['--import', 'tsx'] : [];
    let next = 0;
    const pool: Worker[] = [];
    await new Promise<void>((resolve) => {
      let alive = 0;
      let settled = false;
      const finish = () => {
        if (!settled && (completed === m || alive === 0)) {
          settled = true;
          resolve();
        }
      };
      for (let w = 0; w < nWorkers; w++) {
        let worker: Worker;
        try {
          worker = new Worker(file, { workerData: init, execArgv });
        } catch {
          continue;
        }
        pool.push(worker);
        alive++;
        const give = () => {
          while (next < m && done[next]) next++;
          if (next >= m) return;
          const model = next++;
          worker.postMessage({ model, positive: positives[model] });
        };
        worker.on('message', (msg: { model: number; intercept: number; iterations: number; converged: boolean }) => {
          if (!done[msg.model]) {
            done[msg.model] = 1;
            this.intercept[msg.model] = msg.intercept;
            info.iterations[msg.model] = msg.iterations;
            info.converged[msg.model] = msg.converged;
            completed++;
            this.onProgress?.({ completed, total: m, label: 'LogisticRegression / fit' });
          }
          if (completed === m) finish();
          else give();
        });
        // a model in flight on a failed worker is fitted below, in this thread
        worker.on('error', () => {});
        worker.on('exit', () => {
          alive--;
          finish();
        });
        worker.once('online', () => info.workers++);
        give();
      }
      if (alive === 0) finish();
    });
    await Promise.all(pool.map((w) => w.terminate()));
    // whatever the workers could not do (e.g. they failed to start) is fitted here
    if (completed < m) {
      const target = new Uint8Array(X.rows);
      for (let k = 0; k < m; k++) {
        if (done[k]) continue;
        for (let r = 0; r < X.rows; r++) target[r] = labels[r] === positives[k] ? 1 : 0;
        const res = fitBinary(Xr, target, this.options, this.weights.subarray(k * q, (k + 1) * q));
        this.intercept[k] = res.intercept;
        info.iterations[k] = res.iterations;
        info.converged[k] = res.converged;
        done[k] = 1;
        completed++;
        this.onProgress?.({ completed, total: m, label: 'LogisticRegression / fit' });
      }
    }
    this.unscale(scale);
    this.weightsBySlot = undefined;
    this.fitInfo = info;
    return this;
  }

  private checkFitted(X: CsrMatrix): void {
    if (this.classes.length === 0) throw new LabError('NOT_FITTED', 'LogisticRegression: call fit() before predicting.');
    if (X.cols !== this.nFeatures) throw new InvalidArgumentError('X', `X has ${X.cols} features; the model was fitted with ${this.nFeatures}.`);
  }

  /**
   * Scores `X w_k + b_k`, one row per sample and one column per binary model (one column for two classes).
   * @param X - features
   */
  decisionFunction(X: CsrMatrix): Float64Array[] {
    this.checkFitted(X);
    const m = this.intercept.length;
    const q = this.nSlots;
    let wt = this.weightsBySlot;
    if (!wt || wt.length !== m * q) {
      wt = new Float64Array(m * q);
      for (let k = 0; k < m; k++) for (let g = 0; g < q; g++) wt[g * m + k] = this.weights[k * q + g]!;
      this.weightsBySlot = wt;
    }
    const slot = this.slot;
    const { data, indices, indptr } = X;
    const out: Float64Array[] = [];
    for (let r = 0; r < X.rows; r++) {
      const row = Float64Array.from(this.intercept);
      for (let e = indptr[r]!, b = indptr[r + 1]!; e < b; e++) {
        const v = data[e]!;
        const base = slot[indices[e]!]! * m;
        for (let k = 0; k < m; k++) row[k] = row[k]! + v * wt[base + k]!;
      }
      out.push(row);
    }
    return out;
  }

  /**
   * Class probabilities, columns in the order of {@link LogisticRegression.classes}: the sigmoid of each class's score,
   * normalised to sum to one (for two classes `[1 - p, p]`), as scikit-learn's one-vs-rest `predict_proba`.
   * @param X - features
   */
  predictProba(X: CsrMatrix): Float64Array[] {
    return this.decisionFunction(X).map((scores) => {
      if (this.classes.length === 2) {
        const p = sigmoid(scores[0]!);
        return Float64Array.of(1 - p, p);
      }
      let sum = 0;
      for (let k = 0; k < scores.length; k++) {
        scores[k] = sigmoid(scores[k]!);
        sum += scores[k]!;
      }
      for (let k = 0; k < scores.length; k++) scores[k] = scores[k]! / sum;
      return scores;
    });
  }

  /**
   * The most likely class of each sample (first class on ties, as `argmax`).
   * @param X - features
   */
  predict(X: CsrMatrix): Label[] {
    return this.decisionFunction(X).map((s) => {
      if (this.classes.length === 2) return this.classes[s[0]! > 0 ? 1 : 0]!;
      let best = 0;
      for (let k = 1; k < s.length; k++) if (s[k]! > s[best]!) best = k;
      return this.classes[best]!;
    });
  }

  /**
   * The `k` most probable classes of each sample, most probable first; ties put the higher class index first (as
   * `np.argsort(proba)[::-1]`).
   * @param X - features
   * @param k - how many (at most the number of classes)
   */
  topK(X: CsrMatrix, k: number): Label[][] {
    if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError('k', `k must be a positive integer, received ${k}.`);
    const n = this.classes.length;
    const order = Array.from({ length: n }, (_, i) => i);
    return this.predictProba(X).map((p) => {
      order.sort((a, b) => p[b]! - p[a]! || b - a);
      return order.slice(0, Math.min(k, n)).map((i) => this.classes[i]!);
    });
  }

  /**
   * The fitted model as a JSON-serialisable object (weights as base64 float64).
   * @throws LabError `NOT_FITTED` before fitting
   */
  toJSON(): LogisticRegressionJson {
    if (this.classes.length === 0) throw new LabError('NOT_FITTED', 'LogisticRegression: not fitted.');
    const q = this.nSlots;
    const coef: string[] = [];
    for (let k = 0; k < this.intercept.length; k++) coef.push(Buffer.from(this.weights.slice(k * q, (k + 1) * q).buffer).toString('base64'));
    const identity = q === this.nFeatures && this.slot.every((g, j) => g === j);
    return {
      format: FORMAT,
      version: 1,
      options: { ...this.options },
      classes: [...this.classes],
      nFeatures: this.nFeatures,
      intercept: Array.from(this.intercept),
      ...(identity ? {} : { slots: Buffer.from(this.slot.slice().buffer).toString('base64') }),
      coef,
    };
  }

  /**
   * Rebuilds a model saved with {@link LogisticRegression.toJSON}.
   * @param json - the parsed object
   * @throws DataFormatError when it is not a saved model of a known version
   */
  static fromJSON(json: unknown): LogisticRegression {
    const j = json as Partial<LogisticRegressionJson> | null;
    const bad = (problem: string) => new DataFormatError('LogisticRegression JSON', problem);
    if (!j || j.format !== FORMAT) throw bad(`not a saved LogisticRegression (format should be "${FORMAT}")`);
    if (j.version !== 1) throw bad(`unsupported version ${String(j.version)}; this build reads version 1`);
    if (!j.options || !Array.isArray(j.classes) || !Array.isArray(j.intercept) || !Array.isArray(j.coef) || typeof j.nFeatures !== 'number') throw bad('missing fields');
    const m = j.classes.length === 2 ? 1 : j.classes.length;
    if (j.intercept.length !== m || j.coef.length !== m) throw bad(`expected ${m} binary models for ${j.classes.length} classes`);
    const lr = new LogisticRegression({ ...j.options, workers: 1 });
    const p = j.nFeatures;
    lr.classes = j.classes;
    lr.nFeatures = p;
    lr.intercept = Float64Array.from(j.intercept);
    if (j.slots !== undefined) {
      const bytes = Buffer.from(j.slots, 'base64');
      if (bytes.length !== p * 4) throw bad(`slots has ${bytes.length / 4} entries; ${p} expected`);
      lr.slot = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      lr.nSlots = lr.slot.reduce((a, b) => Math.max(a, b + 1), 0);
    } else {
      lr.slot = Int32Array.from({ length: p }, (_, i) => i);
      lr.nSlots = p;
    }
    const q = lr.nSlots;
    lr.weights = new Float64Array(m * q);
    j.coef.forEach((s, k) => {
      const bytes = Buffer.from(s, 'base64');
      if (bytes.length !== q * 8) throw bad(`coef[${k}] has ${bytes.length / 8} weights; ${q} expected`);
      lr.weights.set(new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)), k * q);
    });
    return lr;
  }

  /**
   * Writes the model as JSON (the format of {@link LogisticRegression.toJSON}), one model's weights per line, so that
   * models larger than a JavaScript string can be saved and loaded.
   * @param path - file to write
   */
  save(path: string): void {
    const { coef, ...header } = this.toJSON();
    const fd = openSync(path, 'w');
    try {
      writeSync(fd, `${JSON.stringify(header).slice(0, -1)},"coef":[\n`);
      coef.forEach((s, k) => writeSync(fd, `"${s}"${k + 1 < coef.length ? ',' : ''}\n`));
      writeSync(fd, ']}\n');
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Reads a model written by {@link LogisticRegression.save} (or any JSON of {@link LogisticRegression.toJSON}).
   * @param path - the file
   * @throws DataFormatError when it is not a saved model
   */
  static load(path: string): LogisticRegression {
    const bytes = readFileSync(path);
    if (bytes.length < 256 << 20) return LogisticRegression.fromJSON(JSON.parse(bytes.toString('utf8')));
    // too large for one string: the header is the first line, then one base64 string per line
    const lines: string[] = [];
    for (let pos = 0; pos < bytes.length; ) {
      let end = bytes.indexOf(10, pos);
      if (end < 0) end = bytes.length;
      lines.push(bytes.toString('utf8', pos, end));
      pos = end + 1;
    }
    const first = lines[0] ?? '';
    const suffix = ',"coef":[';
    if (!first.endsWith(suffix)) throw new DataFormatError(path, 'not a LogisticRegression written by save()');
    const header = JSON.parse(`${first.slice(0, -suffix.length)}}`) as LogisticRegressionJson;
    header.coef = lines.slice(1).filter((l) => l.startsWith('"')).map((l) => l.slice(1, l.lastIndexOf('"')));
    return LogisticRegression.fromJSON(header);
  }
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
