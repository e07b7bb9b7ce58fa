import type { Serialized } from '@trainkit/core';

/** Weight penalties and constraints as the CLI's flags and the demo's fields set them. */
export interface RegularizationOptions {
  /** L1 penalty lambda * sum |w|. */
  l1?: number;
  /** L2 penalty 0.5 * lambda * ||w||^2 (gradient lambda * w). */
  l2?: number;
  /** Max-norm constraint on each unit's incoming weights. */
  maxNorm?: number;
}

/**
 * The `{ kind, ... }` specs of the penalties (added to the loss) and constraints (applied after
 * each update) that `options` switch on (a 0 or missing value switches one off); rebuild each with
 * {@link fromSpec}.
 *
 * @example
 * regularizationSpecs({ l2: 5e-4 }).penalties;
 * // [{ kind: 'regularizers.l2', version: 1, lambda: 0.0005, convention: 'half' }]
 */
export function regularizationSpecs(options: RegularizationOptions): {
  penalties: Serialized[];
  constraints: Serialized[];
} {
  const penalties: Serialized[] = [];
  if (options.l1) penalties.push({ kind: 'regularizers.l1', version: 1, lambda: options.l1 });
  if (options.l2)
    penalties.push({ kind: 'regularizers.l2', version: 1, lambda: options.l2, convention: 'half' });
  const constraints: Serialized[] = options.maxNorm
    ? [{ kind: 'regularizers.maxNorm', version: 1, maxValue: options.maxNorm }]
    : [];
  return { penalties, constraints };
}
