/**
 * Saving and loading the classification heads: a folder with a versioned `head.json` and, for the nearest-neighbour
 * heads, the stored rows as `.npy` files.
 * @packageDocumentation
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFormatError, InvalidArgumentError, LabError, Mlp, ModelNotFoundError, decodeNpy, ndarray, writeNpy, type MlpJson, type NdArray } from '@lab/tensor-core';
import { KnnEnsemble } from './knn-ensemble';
import { MlpEnsemble } from './mlp-ensemble';
import { MlpHead } from './mlp-head';
import { NearestNeighbor } from './nearest-neighbor';

/** A classification head of this package. */
export type ClassificationHead = NearestNeighbor | KnnEnsemble | MlpHead | MlpEnsemble;

/** Version of `head.json` that this library writes and reads. */
export const HEAD_FORMAT_VERSION = 1;

/** The file name of the manifest inside a head folder. */
export const HEAD_MANIFEST = 'head.json';

type HeadKind = 'nearest-neighbor' | 'knn-ensemble' | 'mlp' | 'mlp-ensemble';
const KINDS: readonly HeadKind[] = ['nearest-neighbor', 'knn-ensemble', 'mlp', 'mlp-ensemble'];

/** The `head.json` of a head folder (`format: 'protein-tl-head'`). */
export interface HeadManifest {
  format: 'protein-tl-head';
  version: 1;
  kind: HeadKind;
  dim: number;
  classes: number;
  /** nearest-neighbor / knn-ensemble: file names (inside the folder) of the float32 rows and int32 labels. */
  embeddings?: string;
  labels?: string;
  /** knn-ensemble / mlp-ensemble: seed of the split. */
  seed?: number;
  /** knn-ensemble: rows of each member, in order, inside `embeddings`. */
  memberSizes?: number[];
  /** knn-ensemble: the original training-row index of every stored row (int32 .npy). */
  rows?: string;
  /** mlp: the network. */
  model?: MlpJson;
  /** mlp-ensemble: the networks. */
  members?: MlpJson[];
}

async function atomicWriteText(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/**
 * Writes a head into `dir` (created if needed): `head.json` and, for nearest-neighbour heads, `embeddings.npy`,
 * `labels.npy` (and `rows.npy` for an ensemble).
 * @param dir - the folder
 * @param head - the head
 * @returns the path of `head.json`
 * @throws InvalidArgumentError for an object that is not a head of this package
 * @example
 * ```ts
 * await saveHead('runs/knn', knn);
 * const again = await loadHead('runs/knn');
 * ```
 */
export async function saveHead(dir: string, head: ClassificationHead): Promise<string> {
  await mkdir(dir, { recursive: true });
  let manifest: HeadManifest;
  if (head instanceof NearestNeighbor) {
    await writeNpy(join(dir, 'embeddings.npy'), ndarray('float32', [head.size, head.dim], head.embeddings));
    await writeNpy(join(dir, 'labels.npy'), ndarray('int32', [head.size], head.labels));
    manifest = { format: 'protein-tl-head', version: 1, kind: 'nearest-neighbor', dim: head.dim, classes: head.classes, embeddings: 'embeddings.npy', labels: 'labels.npy' };
  } else if (head instanceof KnnEnsemble) {
    const total = head.members.reduce((s, m) => s + m.size, 0);
    const x = new Float32Array(total * head.dim);
    const y = new Int32Array(total);
    const rows = new Int32Array(total);
    let at = 0;
    head.members.forEach((m, k) => {
      x.set(m.embeddings, at * head.dim);
      y.set(m.labels, at);
      rows.set(head.subsets[k]!, at);
      at += m.size;
    });
    await writeNpy(join(dir, 'embeddings.npy'), ndarray('float32', [total, head.dim], x));
    await writeNpy(join(dir, 'labels.npy'), ndarray('int32', [total], y));
    await writeNpy(join(dir, 'rows.npy'), ndarray('int32', [total], rows));
    manifest = {
      format: 'protein-tl-head', version: 1, kind: 'knn-ensemble', dim: head.dim, classes: head.members[0]!.classes,
      embeddings: 'embeddings.npy', labels: 'labels.npy', rows: 'rows.npy', seed: head.seed, memberSizes: head.members.map((m) => m.size),
    };
  } else if (head instanceof MlpHead) {
    manifest = { format: 'protein-tl-head', version: 1, kind: 'mlp', dim: head.dim, classes: head.classes, model: head.model.toJSON() };
  } else if (head instanceof MlpEnsemble) {
    manifest = { format: 'protein-tl-head', version: 1, kind: 'mlp-ensemble', dim: head.dim, classes: head.classes, seed: head.seed, members: head.members.map((m) => m.model.toJSON()) };
  } else {
    throw new InvalidArgumentError('head', 'saveHead takes a NearestNeighbor, KnnEnsemble, MlpHead or MlpEnsemble.');
  }
  const path = join(dir, HEAD_MANIFEST);
  await atomicWriteText(path, `${JSON.stringify(manifest)}\n`);
  return path;
}

function fail(file: string, problem: string, cause?: unknown): never {
  throw new DataFormatError(file, problem, undefined, cause === undefined ? undefined : { cause });
}

async function readArray(dir: string, manifestPath: string, name: unknown, dtype: 'float32' | 'int32', field: string): Promise<NdArray> {
  if (typeof name !== 'string' || name.length === 0 || name.includes('/') || name.includes('\\') || name.startsWith('.')) {
    fail(manifestPath, `field "${field}" must name a .npy file inside the head folder; received ${JSON.stringify(name)}.`);
  }
  const file = join(dir, name);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    fail(file, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, e);
  }
  const arr = decodeNpy(bytes, file);
  if (arr.dtype !== dtype) fail(file, `expected ${dtype} values; the file holds ${arr.dtype}.`);
  return arr;
}

/**
 * Reads a head written by {@link saveHead}.
 * @param dir - the folder (or its `head.json`)
 * @returns the head (a NearestNeighbor, KnnEnsemble, MlpHead or MlpEnsemble, by the manifest's `kind`)
 * @throws ModelNotFoundError when there is no head.json; DataFormatError for another format or version, a missing field,
 *   unreadable or inconsistent arrays, or bad networks
 * @example
 * ```ts
 * const head = await loadHead('runs/mlp');
 * if (head instanceof MlpHead) console.log(head.predict(testX));
 * ```
 */
export async function loadHead(dir: string): Promise<ClassificationHead> {
  const folder = dir.endsWith('.json') ? join(dir, '..') : dir;
  const path = dir.endsWith('.json') ? dir : join(dir, HEAD_MANIFEST);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ModelNotFoundError(path, 'head manifest', { cause: e });
    fail(path, `cannot read the head manifest (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, e);
  }
  let json: Partial<HeadManifest> | null;
  try {
    json = JSON.parse(text) as Partial<HeadManifest> | null;
  } catch (e) {
    fail(path, `not valid JSON (${(e as Error).message}).`, e);
  }
  if (!json || typeof json !== 'object' || json.format !== 'protein-tl-head') fail(path, 'not a head manifest (format "protein-tl-head"); write heads with saveHead().');
  if (json.version !== HEAD_FORMAT_VERSION) fail(path, `head format version ${String(json.version)} is not supported (this library reads version ${HEAD_FORMAT_VERSION}); upgrade @lab/protein-tl.`);
  if (!KINDS.includes(json.kind as HeadKind)) fail(path, `unknown head kind ${JSON.stringify(json.kind)}; expected one of ${KINDS.join(', ')}.`);
  const dim = json.dim;
  const classes = json.classes;
  if (!(Number.isInteger(dim) && dim! > 0)) fail(path, `field "dim" must be a positive integer; received ${JSON.stringify(dim)}.`);
  if (!(Number.isInteger(classes) && classes! > 0)) fail(path, `field "classes" must be a positive integer; received ${JSON.stringify(classes)}.`);
  const d = dim!;
  const k = classes!;
  try {
    switch (json.kind) {
      case 'nearest-neighbor':
      case 'knn-ensemble': {
        const x = await readArray(folder, path, json.embeddings, 'float32', 'embeddings');
        const y = await readArray(folder, path, json.labels, 'int32', 'labels');
        const n = y.shape[0] ?? 0;
        if (x.shape.length !== 2 || x.shape[1] !== d || x.shape[0] !== n || y.shape.length !== 1) {
          fail(path, `embeddings [${x.shape.join(', ')}] and labels [${y.shape.join(', ')}] do not match [rows × ${d}] and [rows].`);
        }
        const labels = y.data as Int32Array;
        for (let i = 0; i < n; i++) if (!(labels[i]! >= 0 && labels[i]! < k)) fail(path, `label ${labels[i]} of stored row ${i} is outside 0…${k - 1}.`);
        const emb = x.data as Float32Array;
        if (json.kind === 'nearest-neighbor') return NearestNeighbor.fit(emb, labels, d, { classes: k });
        const sizes = json.memberSizes;
        if (!Array.isArray(sizes) || sizes.length === 0 || !sizes.every((s) => Number.isInteger(s) && s > 0) || sizes.reduce((a, b) => a + b, 0) !== n) {
          fail(path, `field "memberSizes" must be positive integers adding up to the ${n} stored rows.`);
        }
        const rows = (await readArray(folder, path, json.rows, 'int32', 'rows')).data as Int32Array;
        if (rows.length !== n) fail(path, `rows.npy has ${rows.length} entries for ${n} stored rows.`);
        const members: NearestNeighbor[] = [];
        const subsets: Int32Array[] = [];
        let at = 0;
        for (const s of sizes) {
          members.push(NearestNeighbor.fit(emb.subarray(at * d, (at + s) * d), labels.subarray(at, at + s), d, { classes: k }));
          subsets.push(rows.slice(at, at + s));
          at += s;
        }
        return new KnnEnsemble(members, subsets, Number(json.seed ?? 0));
      }
      case 'mlp': {
        const model = Mlp.fromJSON(json.model, path);
        if (model.spec.inputs !== d || model.spec.outputs !== k) fail(path, `the network is ${model.sizes.join('-')} but the manifest says dim ${d}, classes ${k}.`);
        return MlpHead.fromModel(model);
      }
      default: {
        if (!Array.isArray(json.members) || json.members.length === 0) fail(path, 'field "members" must be a non-empty array of networks.');
        const members = json.members.map((m, i) => {
          const model = Mlp.fromJSON(m, `${path} (member ${i})`);
          if (model.spec.inputs !== d || model.spec.outputs !== k) fail(path, `member ${i} is ${model.sizes.join('-')} but the manifest says dim ${d}, classes ${k}.`);
          return MlpHead.fromModel(model);
        });
        return new MlpEnsemble(members, members.map(() => new Int32Array(0)), Number(json.seed ?? 0));
      }
    }
  } catch (e) {
    if (LabError.isInstance(e) && e.code === 'DATA_FORMAT') throw e;
    fail(path, `the head is inconsistent: ${(e as Error).message}`, e);
  }
}
