#!/usr/bin/env node
// The `trainkit` command: the built CLI (dist/cli.js, made by `pnpm build`). This file exists
// before the build, so a fresh `pnpm install` links the command without a missing-file warning.
import '../dist/cli.js';
