import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeviceUnavailableError, UnsupportedDeviceError } from '../errors/lab-error';
import { DEVICE_TABLE, SUPPORTED_DEVICES, resolveDevice } from './devices';

const empty = mkdtempSync(join(tmpdir(), 'ort-bin-'));
const withCuda = mkdtempSync(join(tmpdir(), 'ort-bin-cuda-'));
for (const lib of DEVICE_TABLE.cuda.requiredLibraries) writeFileSync(join(withCuda, lib), '');
const linuxX64 = process.platform === 'linux' && process.arch === 'x64';

describe('resolveDevice', () => {
  it('maps cpu through the table', () => {
    expect(resolveDevice('cpu')).toEqual({ requested: 'cpu', device: 'cpu', executionProviders: ['cpu'] });
    expect(resolveDevice(' CPU ').device).toBe('cpu');
  });

  it('rejects unknown names, listing the supported ones', () => {
    expect(() => resolveDevice('tpu')).toThrow(UnsupportedDeviceError);
    expect(() => resolveDevice('tpu')).toThrow('Unsupported device "tpu". Supported: cpu, cuda, auto.');
    expect(SUPPORTED_DEVICES).toEqual(['cpu', 'cuda', 'auto']);
    expect(Object.isFrozen(DEVICE_TABLE)).toBe(true);
  });

  it('cuda without the provider libraries fails with the install command', () => {
    try {
      resolveDevice('cuda', { bindingDir: empty });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DeviceUnavailableError);
      const err = e as DeviceUnavailableError;
      expect(err.device).toBe('cuda');
      expect(err.message).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci');
      if (linuxX64) expect(err.attempts[0]).toContain('libonnxruntime_providers_cuda.so');
    }
  });

  it('auto falls back to cpu and reports why, once', () => {
    const reasons: string[] = [];
    const r = resolveDevice('auto', { bindingDir: empty, onFallback: (x) => reasons.push(x) });
    expect(r.device).toBe('cpu');
    expect(r.executionProviders).toEqual(['cpu']);
    expect(r.fallbackReason).toMatch(/^CUDA unavailable/);
    expect(reasons).toEqual([r.fallbackReason]);
  });

  it.runIf(linuxX64)('cuda and auto pick the CUDA provider (with CPU behind it) when its libraries are present', () => {
    expect(resolveDevice('cuda', { bindingDir: withCuda })).toEqual({ requested: 'cuda', device: 'cuda', executionProviders: ['cuda', 'cpu'] });
    expect(resolveDevice('auto', { bindingDir: withCuda }).device).toBe('cuda');
  });
});
