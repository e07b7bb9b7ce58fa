import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared';

// Each README example runs in a child process (node --conditions=@trainkit/source --import tsx);
// the conditions here only matter for the test file itself.
export default defineConfig(sourceConditions());
