import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared';

// Unit tests of the worker's pieces (src/*.test.ts, tfjs cpu in Node) and the end-to-end tests
// (test/*.test.ts: Node drives Debian's chromium with playwright-core against the built site).
export default defineConfig(
  sourceConditions({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      setupFiles: ['@trainkit/test-utils/setup'],
      testTimeout: 120_000,
      hookTimeout: 180_000,
      fileParallelism: false,
    },
  }),
);
