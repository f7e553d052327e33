/**
 * Test helpers: a fake model session that needs no onnxruntime, and a synthetic toy data set.
 * Import from `@lab/tensor-core/testing`.
 * @packageDocumentation
 */
export { FakeModelSession } from './testing/fake-model-session';
export type { FakeModelSessionOptions } from './testing/fake-model-session';
export { makeTwoMoons } from './datasets/two-moons';
export type { TwoMoons } from './datasets/two-moons';
export { findPython, runPythonJson } from './testing/python-reference';
export type { PythonProbe } from './testing/python-reference';
export { sharedDataPath } from './testing/shared-data';
