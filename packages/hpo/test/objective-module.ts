// An objective module for the worker-process tests: each worker process imports it and so gets
// its own tfjs engine (cpu backend).
import '@tensorflow/tfjs-backend-cpu';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Trial } from '../src/index';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A start barrier (TK_BARRIER_DIR, TK_BARRIER_N): the first trial of each worker waits until N
// workers are inside a trial, so a fast-starting worker cannot finish the study alone.
let arrived = false;
async function barrier(): Promise<void> {
  const dir = process.env.TK_BARRIER_DIR;
  if (!dir || arrived) return;
  arrived = true;
  writeFileSync(join(dir, `ready-${process.pid}`), '');
  const n = Number(process.env.TK_BARRIER_N ?? 2);
  for (
    let i = 0;
    i < 3000 && readdirSync(dir).filter((f) => f.startsWith('ready-')).length < n;
    i++
  )
    await sleep(10);
}

export async function objective(trial: Trial): Promise<number> {
  const x = await trial.suggestFloat('x', 0, 1);
  await barrier();
  await trial.setUserAttr('pid', process.pid);
  await sleep(20);
  const y = tf.tidy(() => tf.square(tf.sub(tf.scalar(x), 0.3)));
  const v = (await y.data())[0]!;
  y.dispose();
  await trial.setUserAttr('backend', tf.getBackend());
  return v;
}

export async function broken(trial: Trial): Promise<number> {
  await trial.suggestFloat('x', 0, 1);
  throw new Error('objective exploded');
}
