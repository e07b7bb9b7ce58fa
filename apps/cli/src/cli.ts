#!/usr/bin/env node
// The `trainkit` command. The wasm backend installs handlers that rethrow unhandled errors with
// its own stack, so everything is caught in main() and the exit code is set here.
import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Backends may keep handles (wasm workers, webgpu devices) open; leave once output is out.
    process.stdout.write('', () => process.exit(code));
  },
  (e: unknown) => {
    console.error(`trainkit: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
