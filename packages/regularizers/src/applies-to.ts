import { ConfigError, matchesName } from '@trainkit/core';

/**
 * The default `appliesTo` of penalties and constraints: weight matrices and convolution kernels
 * only (`dense_1/kernel`, `conv2d_1/kernel`, `depthwise_kernel`, `embeddings`), never biases or
 * batch-norm `gamma`/`beta`/moving statistics. Regularizing biases or BN scales constrains the
 * function's offset and scale rather than its capacity (Goodfellow et al. 2016, §7.1).
 */
export const KERNELS =
  '/(^|\\/)(kernel|depthwise_kernel|pointwise_kernel|recurrent_kernel|embeddings|weights?)$/';

/** Validates an `appliesTo` option (a glob, a `/regex/` string or a RegExp). */
export function checkAppliesTo(value: unknown): string | RegExp {
  if (value instanceof RegExp) return value;
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError('must be a name pattern', {
      argument: 'appliesTo',
      expected: "a glob such as '**/kernel', a '/regex/' string or a RegExp",
      received: value,
    });
  }
  matchesName(value, ''); // compiles it: a bad /regex/ throws here, at construction
  return value;
}

/** The pattern as JSON: a RegExp becomes its `/source/` string form. */
export function appliesToJSON(p: string | RegExp): string {
  return typeof p === 'string' ? p : `/${p.source}/`;
}
