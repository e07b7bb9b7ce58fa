import type { Params } from '@trainkit/core';
import type { Checkpoint } from '../src/checkpoint';
import { type FitOptions, fitFunction } from '../src/fit-function';
import type { Forward } from '../src/train-step';

/** Runs `fitFunction` and keeps the last checkpoint it handed to `onCheckpoint`. */
export async function fitKeepingCheckpoint(
  params: Params,
  forward: Forward,
  data: Parameters<typeof fitFunction>[2],
  options: FitOptions,
): Promise<{ res: Awaited<ReturnType<typeof fitFunction>>; ckpt: Checkpoint }> {
  let ckpt: Checkpoint | undefined;
  const res = await fitFunction(params, forward, data, {
    ...options,
    onCheckpoint: (c) => {
      ckpt = c;
    },
  });
  if (ckpt === undefined) throw new Error('fitFunction handed over no checkpoint');
  return { res, ckpt };
}
