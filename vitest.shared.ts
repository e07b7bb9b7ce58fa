import { defaultServerConditions } from 'vite';
import type { ViteUserConfig } from 'vitest/config';

/**
 * Resolve workspace packages to their TypeScript sources (the `@trainkit/source` export
 * condition), so tests run against `src/` with no build step.
 */
export function sourceConditions(config: ViteUserConfig = {}): ViteUserConfig {
  const conditions = ['@trainkit/source', ...defaultServerConditions];
  return {
    ...config,
    resolve: { ...config.resolve, conditions },
    ssr: { resolve: { conditions, externalConditions: ['@trainkit/source'] } },
    // TRAINKIT_REPLICAS=1: `fit` trains on one engine unless a test asks for replicas (starting
    // worker engines costs seconds per run; the data-parallel path has tests of its own).
    test: {
      testTimeout: 60_000,
      hookTimeout: 60_000,
      ...config.test,
      env: { TRAINKIT_REPLICAS: '1', ...config.test?.env },
    },
  };
}
