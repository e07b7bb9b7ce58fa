import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared';

export default defineConfig(
  sourceConditions({
    test: { testTimeout: 120_000, setupFiles: ['@trainkit/test-utils/setup'] },
  }),
);
