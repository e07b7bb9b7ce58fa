// Runs the CLI from its TypeScript sources in this one process (tsx's loader registered here),
// so that Ctrl-C reaches the training loop directly: `tsx <file>` relays signals through a
// parent process that kills a child busy in a long step. Node needs
// --conditions=@trainkit/source to resolve the workspace packages to their sources.
import { register } from 'tsx/esm/api';

register();
await import('./src/cli.ts');
