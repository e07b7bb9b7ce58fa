import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared';

// No tfjs setup: nothing here makes tensors.
export default defineConfig(sourceConditions());
