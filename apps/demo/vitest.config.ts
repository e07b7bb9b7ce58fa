import { defineConfig } from 'vitest/config';

// End-to-end tests: Node drives Debian's chromium (playwright-core) against the built site.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
