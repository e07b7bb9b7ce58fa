import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared';

export default defineConfig(
  sourceConditions({ test: { setupFiles: ['@trainkit/test-utils/setup'] } }),
);
