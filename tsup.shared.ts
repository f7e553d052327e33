import { defineConfig } from 'tsup';

/**
 * The tsup settings every package shares: ESM + CJS + .d.ts, sourcemaps, Node 20, `import.meta.url` shims in CJS.
 * @param entry - the package's entry points (src/index.ts first; src/cli.ts where it has a CLI)
 */
export function packageConfig(entry: string[]) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: false,
    shims: true,
  });
}
