import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The `shared/` folder beside the repository (data, models), or `undefined` when absent
 * (a fresh clone): tests that need it skip with a message. `$TRAINKIT_SHARED` overrides.
 */
export function sharedDir(sub = ''): string | undefined {
  const env = process.env.TRAINKIT_SHARED;
  if (env) return existsSync(join(env, sub)) ? join(env, sub) : undefined;
  let dir = resolve(process.cwd());
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, '..', 'shared');
    if (existsSync(join(dir, 'pnpm-workspace.yaml')) && existsSync(join(candidate, sub)))
      return join(candidate, sub);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}
