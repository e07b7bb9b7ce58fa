import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared';

// No tensors here: the tests need no tfjs backend.
export default defineConfig(sourceConditions());
