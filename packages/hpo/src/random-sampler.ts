import { type Distribution, fromInternal, internalBounds, type ParamValue } from './distributions';
import type { SampleContext, Sampler } from './sampler';

/** A uniform draw from a distribution (log-uniform when log-scaled). */
export function sampleUniform(d: Distribution, ctx: Pick<SampleContext, 'rng'>): ParamValue {
  if (d.type === 'categorical') return d.choices[ctx.rng.int(0, d.choices.length)]!;
  if (d.type === 'int' && !d.log)
    return d.low + d.step * ctx.rng.int(0, Math.floor((d.high - d.low) / d.step) + 1);
  const [lo, hi] = internalBounds(d);
  // Integers on a log scale: widen by half a unit so both ends are as likely as the rest.
  const [a, b] =
    d.type === 'int'
      ? [Math.log(d.low - 0.5 > 0 ? d.low - 0.5 : d.low), Math.log(d.high + 0.5)]
      : [lo, hi];
  return fromInternal(d, ctx.rng.uniform(a, b));
}

/**
 * Random search (Bergstra & Bengio 2012): each parameter drawn independently and uniformly
 * (log-uniformly on log scales), seeded by the study's Rng. Better than grid search when few
 * parameters matter.
 */
export function randomSampler(): Sampler {
  return {
    kind: 'hpo.randomSampler',
    sample: (_name, d, ctx) => sampleUniform(d, ctx),
    toJSON: () => ({ kind: 'hpo.randomSampler', version: 1 }),
  };
}
