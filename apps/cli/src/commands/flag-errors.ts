import { isTrainkitError } from '@trainkit/core';

/** Library options the training commands pass through from a flag of the same meaning. */
export const TRAINING_FLAGS: Record<string, string> = {
  batchSize: '--batch-size',
  accumulateSteps: '--accumulate-steps',
  epochs: '--epochs',
};

/**
 * A library error about `batchSize`, `x`, `dir`, ... named by the user's flag instead (`flags`
 * maps the library's argument, or its root before `.`/`[`, to the flag); other errors as they are.
 */
export function namingTheFlag(e: unknown, flags: Record<string, string>): unknown {
  if (!isTrainkitError(e) || e.argument === undefined) return e;
  const root = e.argument.split(/[.[]/)[0] as string;
  const flag = flags[e.argument] ?? flags[root];
  if (flag === undefined || !e.message.startsWith(`${e.argument}: `)) return e;
  const Ctor = e.constructor as new (m: string, d: { argument: string; cause: unknown }) => Error;
  return new Ctor(e.message.slice(e.argument.length + 2), { argument: flag, cause: e });
}
