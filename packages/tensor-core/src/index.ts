/**
 * `@lab/tensor-core`: ONNX model sessions (CPU/CUDA) with manifests and checksums, tensors and batching, seeded RNG,
 * .npy/.npz I/O, scikit-learn-exact metrics, Kabsch alignment, progress reporting and typed errors.
 * @packageDocumentation
 */
export {
  LabError,
  InvalidArgumentError,
  UnsupportedDeviceError,
  DeviceUnavailableError,
  ModelNotFoundError,
  InvalidModelError,
  ManifestError,
  ChecksumMismatchError,
  ModelInputError,
  InferenceError,
  DataFormatError,
} from './errors/lab-error';
export type { LabErrorOptions } from './errors/lab-error';

export { DEVICE_TABLE, SUPPORTED_DEVICES, resolveDevice, deviceProblem, onnxruntimeBindingDir } from './device/devices';
export type { Device, ResolvedDeviceName, DeviceSpec, DeviceResolution, ResolveDeviceOptions } from './device/devices';

export { TENSOR_DTYPES, manifestSchema, parseManifest, readManifest } from './model/manifest';
export type { TensorDType, Dim, TensorSpec, ModelManifest } from './model/manifest';
export { FeedValidator, formatShape } from './model/model-session';
export type { Feeds, Outputs, RunOptions, ModelSession } from './model/model-session';
export { OnnxModel, loadModel } from './model/onnx-model';
export type { LoadModelOptions, GraphOptimizationLevel } from './model/onnx-model';
export { sha256Bytes, sha256File } from './model/sha256';
export { checkGolden } from './model/golden';
export type { GoldenReport } from './model/golden';
export { BUNDLED_MODELS, bundledModelPath, packageDir } from './model/bundled';

export { Tensor, toFloat32Tensor, toInt64Tensor, matrixToTensor, tensorToMatrix, numericData, tensorToNested, padBatch, batchRanges } from './tensor/tensors';
export type { NumericData, PaddedBatch, PadBatchOptions } from './tensor/tensors';

export { ndarray, encodeNpy, decodeNpy, encodeNpz, decodeNpz, readNpy, writeNpy, readNpz, writeNpz, ndarrayToTensor, tensorToNdarray } from './io/npy';
export type { NdArray, NpyDType } from './io/npy';
export { isGzipFile } from './io/gzip';
export { singleFunctionWasmModule, uleb128 } from './wasm/wasm-module';
export type { SingleFunctionWasmModule } from './wasm/wasm-module';

export { Rng } from './rng/rng';

export { accuracy, hitAtK, topKAccuracy, confusionMatrix, precisionRecallFscore, f1Score, uniqueLabels } from './metrics/classification';
export type { Label, ZeroDivision, Average, PrfOptions, PrfResult } from './metrics/classification';
export { rocCurve, rocAuc, auc, rejectionAtEfficiency } from './metrics/roc';
export type { RocCurve, RocOptions } from './metrics/roc';
export { r2Score, lstsq, fitLinearRegression } from './metrics/regression';
export type { MatrixLike, MultiOutput, LstsqResult, LinearRegressionModel } from './metrics/regression';

export { kabsch, alignedRmsd, rmsd, applyTransform, flattenPoints } from './alignment/kabsch';
export type { Points3, KabschResult } from './alignment/kabsch';

export { throttleProgress, stagedProgress } from './progress/progress';
export type { ProgressEvent, ProgressCallback, WithProgress } from './progress/progress';

export { minimizeLbfgs } from './optim/lbfgs';
export { MLP_ACTIVATIONS, Mlp, AdamState, trainMlp } from './nn/mlp';
export type { MlpActivation, MlpSpec, MlpJson, TrainMlpOptions, MlpEpoch, TrainMlpResult } from './nn/mlp';
export { OnnxMlpTrainer, ONNX_MLP_ACTIVATIONS } from './nn/mlp-onnx';
export type { OnnxAdamOptions, OnnxMlpTrainerOptions } from './nn/mlp-onnx';
export { OnnxGraphBuilder, OnnxType, float as onnxFloat, onnxModelBytes } from './nn/onnx-builder';
export type { OnnxElementType, OnnxAttribute, OnnxGraph } from './nn/onnx-builder';
export type { LbfgsOptions, LbfgsResult, LbfgsIterationInfo } from './optim/lbfgs';
