// Shared Vitest settings for every project. Imported by each project's vitest.config.ts.
import { transform } from 'esbuild';
import type { Plugin } from 'vite';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * Vite 8 transforms TypeScript with Oxc, which does not lower TC39 (standard) decorators yet,
 * and Node 20 cannot run them. The router's `@bots.add('echo')` is a standard decorator, so
 * files that use one go through esbuild first (tsc and tsx lower them the same way).
 */
export function standardDecorators(): Plugin {
  return {
    name: 'switchyard:standard-decorators',
    enforce: 'pre',
    async transform(code, id) {
      const file = id.split('?')[0] ?? id;
      if (!/\.[cm]?ts$/.test(file) || !/^\s*@[\w.]+\(/m.test(code)) return null;
      const out = await transform(code, {
        loader: 'ts',
        target: 'es2022',
        format: 'esm',
        sourcemap: true,
        sourcefile: file,
      });
      return { code: out.code, map: out.map };
    },
  };
}

export function projectConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    plugins: [standardDecorators()],
    resolve: { conditions: ['@switchyard/source'] },
    ssr: { resolve: { conditions: ['@switchyard/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 20_000,
      hookTimeout: 60_000,
      reporters: ['default'],
      ...overrides,
    },
  });
}
