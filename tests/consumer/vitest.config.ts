import { defineConfig } from 'vitest/config';

// Runs against the packed tarballs, not the sources: no @trainkit/source condition here.
export default defineConfig({
  test: { testTimeout: 600_000, hookTimeout: 600_000, fileParallelism: false },
});
