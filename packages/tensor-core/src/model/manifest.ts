import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DataFormatError, ManifestError, ModelNotFoundError } from '../errors/lab-error';

/** Tensor element types a manifest may declare (onnxruntime's names). */
export const TENSOR_DTYPES = ['float32', 'float64', 'float16', 'int8', 'uint8', 'int32', 'int64', 'bool', 'string'] as const;
/** A tensor element type. */
export type TensorDType = (typeof TENSOR_DTYPES)[number];

/** One dimension: a fixed size, or a symbolic name (e.g. `batch`) that may vary between calls. */
export type Dim = number | string;

const dimSchema = z.union([z.number().int().nonnegative(), z.string().min(1)]);

const ioSchema = z.object({
  name: z.string().min(1),
  dtype: z.enum(TENSOR_DTYPES),
  shape: z.array(dimSchema),
  description: z.string().optional(),
});

const goldenSchema = z.object({
  inputs: z.string().min(1),
  outputs: z.string().min(1),
  atol: z.number().nonnegative(),
  rtol: z.number().nonnegative().default(0),
});

/** zod schema of model.json. */
export const manifestSchema = z.object({
  name: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+([-+].*)?$/, 'must be a semantic version such as 1.0.0'),
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex characters'),
  opset: z.number().int().min(7),
  description: z.string().optional(),
  inputs: z.array(ioSchema).min(1),
  outputs: z.array(ioSchema).min(1),
  provenance: z
    .object({
      trainingData: z.string().min(1),
      framework: z.string().optional(),
      script: z.string().optional(),
      createdAt: z.string().optional(),
    })
    .catchall(z.unknown()),
  metrics: z.record(z.string(), z.unknown()).default({}),
  golden: goldenSchema.optional(),
});

/** The tensor an input or output takes: its name, element type and shape. */
export type TensorSpec = z.infer<typeof ioSchema>;
/** A parsed model.json manifest. */
export type ModelManifest = z.infer<typeof manifestSchema>;

/**
 * Validates a manifest object.
 * @param value - parsed JSON
 * @param source - where it came from, for error messages
 * @returns the typed manifest
 * @throws ManifestError naming the first bad field
 */
export function parseManifest(value: unknown, source = '<manifest>'): ModelManifest {
  const result = manifestSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length ? formatPath(issue.path) : '<root>';
    throw new ManifestError(source, field, `${issue.message}. Fix the manifest or regenerate it with training/common/export.py.`);
  }
  return result.data;
}

/**
 * Reads and validates a model.json file.
 * @param path - path to model.json
 * @returns the typed manifest
 * @throws ModelNotFoundError, DataFormatError (not JSON), ManifestError (bad fields)
 */
export async function readManifest(path: string): Promise<ModelManifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ModelNotFoundError(path, 'manifest', { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DataFormatError(path, `not valid JSON (${(e as Error).message})`, undefined, { cause: e });
  }
  return parseManifest(json, path);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}
