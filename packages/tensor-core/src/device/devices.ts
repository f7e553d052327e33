import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DeviceUnavailableError, UnsupportedDeviceError } from '../errors/lab-error';

/** A device a model can run on. `auto` picks CUDA when it works and CPU otherwise. */
export type Device = 'cpu' | 'cuda' | 'auto';

/** A concrete device after resolution. */
export type ResolvedDeviceName = 'cpu' | 'cuda';

/** One row of the device table: which onnxruntime execution providers a device maps to. */
export interface DeviceSpec {
  readonly name: ResolvedDeviceName;
  /** onnxruntime-node execution provider names, in order of preference. */
  readonly executionProviders: readonly string[];
  /** Shared libraries that must sit next to onnxruntime-node's binding for this device to work. */
  readonly requiredLibraries: readonly string[];
  /** How to make the device available when it is not. */
  readonly installHint: string;
}

/** The device table: the only place that maps device names to execution providers. */
export const DEVICE_TABLE: Readonly<Record<ResolvedDeviceName, DeviceSpec>> = Object.freeze({
  cpu: Object.freeze({
    name: 'cpu',
    executionProviders: Object.freeze(['cpu']),
    requiredLibraries: Object.freeze([]),
    installHint: '',
  }),
  cuda: Object.freeze({
    name: 'cuda',
    executionProviders: Object.freeze(['cuda', 'cpu']),
    requiredLibraries: Object.freeze(['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so']),
    installHint:
      'Install the CUDA execution provider with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci` (Linux x64, CUDA 12 and cuDNN 9 on the library path), or use --device cpu.',
  }),
});

/** Every name accepted by {@link resolveDevice}. */
export const SUPPORTED_DEVICES: readonly Device[] = Object.freeze(['cpu', 'cuda', 'auto']);

/** The outcome of resolving a {@link Device}. */
export interface DeviceResolution {
  /** What the caller asked for. */
  readonly requested: Device;
  /** The device that will be used. */
  readonly device: ResolvedDeviceName;
  /** onnxruntime execution providers to pass to the session. */
  readonly executionProviders: readonly string[];
  /** Set when `auto` fell back to CPU: why CUDA was not used. */
  readonly fallbackReason?: string;
}

/** Options of {@link resolveDevice}. */
export interface ResolveDeviceOptions {
  /** Called once when `auto` falls back to CPU, with the reason. */
  onFallback?: (reason: string) => void;
  /**
   * Directory holding onnxruntime-node's native binding, for the library check.
   * @default the directory of the installed onnxruntime-node binding
   */
  bindingDir?: string;
}

/**
 * Directory where onnxruntime-node keeps its native libraries for this platform, or undefined if unknown.
 * @returns an absolute path
 */
export function onnxruntimeBindingDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('onnxruntime-node/package.json');
    const dir = join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
    return existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why a device cannot be used here, or undefined when its libraries are present.
 * @param spec - a row of {@link DEVICE_TABLE}
 * @param bindingDir - where onnxruntime-node's native libraries live
 */
export function deviceProblem(spec: DeviceSpec, bindingDir = onnxruntimeBindingDir()): string | undefined {
  if (spec.requiredLibraries.length === 0) return undefined;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `the ${spec.name} execution provider of onnxruntime-node is only shipped for linux/x64, not ${process.platform}/${process.arch}`;
  }
  if (bindingDir === undefined) return 'the onnxruntime-node native binding directory was not found';
  const missing = spec.requiredLibraries.filter((lib) => !existsSync(join(bindingDir, lib)));
  if (missing.length > 0) return `${missing.join(', ')} not found in ${bindingDir}`;
  return undefined;
}

/**
 * Turns `cpu | cuda | auto` into a concrete device and its execution providers.
 *
 * @param requested - the device name (case-insensitive)
 * @param options - fallback callback and library directory override
 * @returns the resolution, with `fallbackReason` when `auto` chose CPU
 * @throws UnsupportedDeviceError for an unknown name; DeviceUnavailableError for `cuda` without its provider
 * @example
 * ```ts
 * const { device, executionProviders } = resolveDevice('auto', { onFallback: (r) => console.warn(r) });
 * ```
 */
export function resolveDevice(requested: string, options: ResolveDeviceOptions = {}): DeviceResolution {
  const name = String(requested).trim().toLowerCase();
  if (!(SUPPORTED_DEVICES as readonly string[]).includes(name)) {
    throw new UnsupportedDeviceError(String(requested), SUPPORTED_DEVICES);
  }
  const device = name as Device;
  if (device === 'cpu') {
    return { requested: device, device: 'cpu', executionProviders: DEVICE_TABLE.cpu.executionProviders };
  }
  const cuda = DEVICE_TABLE.cuda;
  const problem = deviceProblem(cuda, options.bindingDir ?? onnxruntimeBindingDir());
  if (problem === undefined) {
    return { requested: device, device: 'cuda', executionProviders: cuda.executionProviders };
  }
  if (device === 'cuda') {
    throw new DeviceUnavailableError('cuda', [problem], cuda.installHint);
  }
  const reason = `CUDA unavailable (${problem}); using CPU`;
  options.onFallback?.(reason);
  return {
    requested: device,
    device: 'cpu',
    executionProviders: DEVICE_TABLE.cpu.executionProviders,
    fallbackReason: reason,
  };
}
