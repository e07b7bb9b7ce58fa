import {
  type Constraint,
  fromJSON,
  type GradientTransformation,
  registerKind,
  type Schedule,
  type Serialized,
} from '@trainkit/core';
import { adagrad } from './adagrad';
import { adam } from './adam';
import { adamw } from './adamw';
import { addDecayedWeights } from './add-decayed-weights';
import { applyIfFinite } from './apply-if-finite';
import { chain } from './chain';
import { clipByGlobalNorm } from './clip-by-global-norm';
import { clipByValue } from './clip-by-value';
import { ema } from './ema';
import { freeze } from './freeze';
import { hyperFromJSON } from './hyper';
import { lbfgs } from './lbfgs';
import { momentum, nesterov } from './momentum';
import { multiSteps } from './multi-steps';
import { multiplyLearningRates } from './multiply-learning-rates';
import { newton } from './newton';
import { projectConstraints } from './project-constraints';
import { rmsprop } from './rmsprop';
import { scaleByAdam } from './scale-by-adam';
import { scaleByLearningRate } from './scale-by-learning-rate';
import { scaleByRms } from './scale-by-rms';
import { scaleByRss } from './scale-by-rss';
import { scaleBySchedule } from './scale-by-schedule';
import { constant } from './schedules/constant';
import { cosineDecay } from './schedules/cosine-decay';
import { exponentialDecay } from './schedules/exponential-decay';
import { inverseTimeDecay } from './schedules/inverse-time-decay';
import { linearWarmup } from './schedules/linear-warmup';
import { oneCycle } from './schedules/one-cycle';
import { piecewiseConstant } from './schedules/piecewise-constant';
import { polynomialDecay } from './schedules/polynomial-decay';
import { reduceOnPlateau } from './schedules/reduce-on-plateau';
import { stepDecay } from './schedules/step-decay';
import { swaSchedule } from './schedules/swa-schedule';
import { sgd } from './sgd';
import { traceMomentum } from './trace-momentum';

// biome-ignore lint/suspicious/noExplicitAny: JSON options are validated by each factory
type Json = any;
const T = (j: Serialized) => fromJSON<GradientTransformation>(j);

/** Rebuilds hyper-parameters (numbers or schedules) among `keys` of `j`, dropping kind/version. */
function opts(j: Serialized, hyper: string[] = []): Json {
  const { kind: _k, version: _v, ...rest } = j;
  for (const h of hyper) if (rest[h] !== undefined) rest[h] = hyperFromJSON(rest[h]);
  return rest;
}

/**
 * Registers every `optimizers.*` and `schedules.*` kind with the core serialization registry
 * (idempotent). {@link optimizerFromJSON} and {@link scheduleFromJSON} call it; call it yourself
 * before the core `fromJSON` on optimizer JSON.
 */
export function registerOptimizerKinds(): void {
  const lr = ['learningRate', 'weightDecay'];
  registerKind('optimizers.sgd', (j) => sgd(opts(j, lr)));
  registerKind('optimizers.momentum', (j) => momentum(opts(j, lr)));
  registerKind('optimizers.nesterov', (j) => nesterov(opts(j, lr)));
  registerKind('optimizers.adagrad', (j) => adagrad(opts(j, lr)));
  registerKind('optimizers.rmsprop', (j) => rmsprop(opts(j, lr)));
  registerKind('optimizers.adam', (j) => adam(opts(j, lr)));
  registerKind('optimizers.adamw', (j) => adamw(opts(j, lr)));
  registerKind('optimizers.scaleByLearningRate', (j) => scaleByLearningRate(opts(j, lr)));
  registerKind('optimizers.scaleBySchedule', (j) =>
    scaleBySchedule(hyperFromJSON(j.schedule) as Schedule),
  );
  registerKind('optimizers.scaleByAdam', (j) => scaleByAdam(opts(j)));
  registerKind('optimizers.scaleByRms', (j) => scaleByRms(opts(j)));
  registerKind('optimizers.scaleByRss', (j) => scaleByRss(opts(j)));
  registerKind('optimizers.traceMomentum', (j) => traceMomentum(opts(j)));
  registerKind('optimizers.addDecayedWeights', (j) => addDecayedWeights(opts(j, lr)));
  registerKind('optimizers.ema', (j) => ema(opts(j)));
  registerKind('optimizers.clipByValue', (j) => clipByValue(opts(j)));
  registerKind('optimizers.clipByGlobalNorm', (j) => clipByGlobalNorm(opts(j)));
  registerKind('optimizers.chain', (j) => chain(...(j.transforms as Serialized[]).map(T)));
  registerKind('optimizers.multiplyLearningRates', (j) =>
    multiplyLearningRates(j.multipliers as Record<string, number>, T(j.inner as Serialized)),
  );
  registerKind('optimizers.freeze', (j) => freeze(j.pattern as string[], T(j.inner as Serialized)));
  registerKind('optimizers.multiSteps', (j) =>
    multiSteps(T(j.inner as Serialized), { everySteps: j.everySteps as number }),
  );
  registerKind('optimizers.applyIfFinite', (j) =>
    applyIfFinite(T(j.inner as Serialized), {
      maxConsecutiveErrors: (j.maxConsecutiveErrors as number | null) ?? Number.POSITIVE_INFINITY,
      halt: j.halt as boolean,
    }),
  );
  // Constraint kinds are registered by the package that defines them (e.g. @trainkit/regularizers).
  registerKind('optimizers.projectConstraints', (j) =>
    projectConstraints((j.constraints as Serialized[]).map((c) => fromJSON<Constraint>(c))),
  );

  registerKind('optimizers.lbfgs', (j) => lbfgs(opts(j)));
  registerKind('optimizers.newton', (j) => newton(opts(j)));

  registerKind('schedules.constant', (j) => constant(opts(j)));
  registerKind('schedules.stepDecay', (j) => stepDecay(opts(j)));
  registerKind('schedules.piecewiseConstant', (j) => piecewiseConstant(opts(j)));
  registerKind('schedules.exponentialDecay', (j) => exponentialDecay(opts(j)));
  registerKind('schedules.inverseTimeDecay', (j) => inverseTimeDecay(opts(j)));
  registerKind('schedules.polynomialDecay', (j) => polynomialDecay(opts(j)));
  registerKind('schedules.cosineDecay', (j) => cosineDecay(opts(j)));
  registerKind('schedules.oneCycle', (j) => oneCycle(opts(j)));
  registerKind('schedules.linearWarmup', (j) => {
    const { schedule, ...rest } = opts(j);
    return linearWarmup(fromJSON<Schedule>(schedule), rest);
  });
  registerKind('schedules.swa', (j) => swaSchedule(opts(j, ['schedule'])));
  registerKind('schedules.reduceOnPlateau', (j) => {
    const { state, ...rest } = opts(j);
    return reduceOnPlateau(rest, state ? { ...state, best: state.best ?? undefined } : undefined);
  });
}

/**
 * Rebuilds a gradient transformation (recipe, transform or chain) from its `toJSON()`.
 * @example const again = optimizerFromJSON(adam({ learningRate: 1e-3 }).toJSON());
 */
export function optimizerFromJSON(json: unknown): GradientTransformation {
  registerOptimizerKinds();
  return fromJSON<GradientTransformation>(json);
}

/**
 * Rebuilds a schedule from its `toJSON()`.
 * @example const again = scheduleFromJSON(cosineDecay({ initialValue: 0.1, decaySteps: 100 }).toJSON());
 */
export function scheduleFromJSON(json: unknown): Schedule {
  registerOptimizerKinds();
  return fromJSON<Schedule>(json);
}
