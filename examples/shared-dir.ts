// The data and models the examples use from the `shared/` folder kept beside the repository
// (`$TRAINKIT_SHARED` overrides), or `undefined` when it is absent (e.g. a fresh clone).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function sharedDir(sub: string): string | undefined {
  const base =
    process.env.TRAINKIT_SHARED ?? fileURLToPath(new URL('../../shared', import.meta.url));
  const dir = join(base, sub);
  return existsSync(dir) ? dir : undefined;
}
