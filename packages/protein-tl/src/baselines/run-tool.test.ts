import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { ExternalToolError } from './external-tool-error';
import { findTools } from './find-tools';
import { runTool } from './run-tool';

describe('runTool / findTools', () => {
  it('names the Debian package when a program is missing', async () => {
    const probe = findTools(['hmmscan', 'blastp', 'mmseqs'], '/nonexistent');
    expect(probe.ok).toBe(false);
    if (!probe.ok) {
      expect(probe.packages).toEqual(['hmmer', 'ncbi-blast+', 'mmseqs2']);
      expect(probe.reason).toMatch(/apt-get install hmmer ncbi-blast\+ mmseqs2/);
    }
    const err = await runTool('hmmscan', ['-h'], { cwd: '/' }).catch((e: unknown) => e);
    // on machines with HMMER installed the call succeeds; check the error path with a program that cannot exist
    if (err !== undefined) expect(err).toBeInstanceOf(ExternalToolError);
    const missing = await runTool('protein-tl-no-such-tool', []).catch((e: unknown) => e);
    expect(LabError.isInstance(missing) && missing.code).toBe('EXTERNAL_TOOL');
    expect((missing as ExternalToolError).problem).toBe('missing');
  });
  it('streams stdout to lines and files, and reports a failing exit status with stderr', async () => {
    const lines: string[] = [];
    await runTool('sh', ['-c', 'printf "a\\nb\\nc"'], { onStdoutLine: (l) => lines.push(l) });
    expect(lines).toEqual(['a', 'b', 'c']);
    const dir = mkdtempSync(join(tmpdir(), 'run-tool-'));
    try {
      await runTool('sh', ['-c', 'echo hello'], { stdoutFile: join(dir, 'out.txt') });
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('hello\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const err = (await runTool('sh', ['-c', 'echo boom >&2; exit 3']).catch((e: unknown) => e)) as ExternalToolError;
    expect(err).toBeInstanceOf(ExternalToolError);
    expect(err.problem).toBe('failed');
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/status 3:\nboom/);
  });
});
