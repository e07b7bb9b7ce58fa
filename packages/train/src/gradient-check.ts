import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  assertPositiveInt,
  ConfigError,
  modelParams,
  NaNError,
  Rng,
  StateError,
} from '@trainkit/core';
import type { TrainableModel } from './fit';
import type { Loss } from './losses/loss';

/** CS231n's reading of a relative error (lecture notes "Gradient checks"). */
export type GradientVerdict = 'good' | 'ok' | 'uncomfortable' | 'wrong';

/** One checked entry of a weight. */
export interface GradientCheckEntry {
  /** Flat (row-major) index into the weight. */
  index: number;
  analytic: number;
  numeric: number;
  /** `|analytic - numeric| / max(|analytic|, |numeric|)` (0 when both are 0). */
  relativeError: number;
  /**
   * The absolute error is below the rounding noise of the centred difference (the loss is
   * computed in float32): the entry agrees as well as float32 can tell, whatever its relative error.
   */
  withinNoise: boolean;
}

/** The check of one weight. */
export interface WeightGradientCheck {
  name: string;
  shape: number[];
  /** Entries checked (all, or `maxEntriesPerWeight` drawn at random). */
  checked: number;
  /** Largest relative error among entries not within noise (0 when all are). */
  maxRelativeError: number;
  /** Largest relative error over all checked entries, those within noise included. */
  maxRelativeErrorAll: number;
  /** Checked entries whose error is within the float32 rounding noise. */
  withinNoise: number;
  verdict: GradientVerdict;
  /** The entry with the largest relative error not within noise (or the largest overall). */
  worst: GradientCheckEntry;
  entries: GradientCheckEntry[];
}

/** What {@link gradientCheck} returns. */
export interface GradientCheckReport {
  /** The worst verdict over the weights. */
  verdict: GradientVerdict;
  maxRelativeError: number;
  /** The loss at the unperturbed weights. */
  loss: number;
  /** The step `h` of the centred differences. */
  step: number;
  /** Precision of the forward passes: tfjs computes in float32 (see the docs). */
  precision: 'float32';
  weights: WeightGradientCheck[];
}

export interface GradientCheckOptions {
  /**
   * Step `h` of `(f(w + h) - f(w - h)) / 2h`, in weight units. Default 3e-3: with float32 forward
   * passes, smaller steps drown in rounding noise (~eps |f| / h), larger ones in truncation error
   * (~h^2 f''' / 6; 1e-2 already reads 'uncomfortable' on a tanh net). CS231n's 1e-5 is for float64.
   */
  step?: number;
  /** Check at most this many entries per weight, drawn with `seed`. Default 30; `Infinity` for all. */
  maxEntriesPerWeight?: number;
  /** Seed of the entry sampling. Default 0. */
  seed?: number;
  /** Relative error above which a gradient is `'wrong'` (CS231n: 1e-2). */
  wrongAbove?: number;
  /** Relative error above which it is `'uncomfortable'` (CS231n: 1e-4; kinks can reach it). */
  uncomfortableAbove?: number;
  /** Relative error below which it is `'good'` (CS231n: 1e-7 in float64). */
  goodBelow?: number;
  /** Only these weights (names). Default all. */
  weights?: string[];
}

/** A model with the data and loss of {@link gradientCheck}'s model form. */
export interface ModelGradientCheckOptions extends GradientCheckOptions {
  x: tf.Tensor;
  y: tf.Tensor;
  loss: Loss;
}

/** The function form: a scalar loss of named tensors, and the point to check it at. */
export interface FunctionGradientCheckOptions extends GradientCheckOptions {
  params: tf.NamedTensorMap;
}

type LossOf = (params: tf.NamedTensorMap) => tf.Scalar;

const EPS32 = 2 ** -23;
// A float32 loss carries a few ulps of rounding; the centred difference divides it by 2h.
const NOISE_ULPS = 4;

/**
 * Numerical gradient check (CS231n, "Gradient checks"): compares the analytic gradient (tfjs
 * autodiff, custom gradients included) with centred differences `(f(w + h) - f(w - h)) / (2h)`
 * entry by entry, and reports per weight the relative error `|a - n| / max(|a|, |n|)` read with
 * the usual thresholds: > 1e-2 probably wrong, 1e-4..1e-2 uncomfortable, < 1e-4 ok (kinks), <
 * 1e-7 good.
 *
 * Two forms: a tfjs-layers model with `{ x, y, loss }`, run with `training: false` (dropout off,
 * batch norm on its moving statistics), or a function `(params) => Scalar` with the `params` to
 * check it at (keep augmentation and other randomness out of it). The function is evaluated twice
 * at the same point first: different values are a `StateError` (something random is on).
 *
 * Precision: the perturbations, differences and ratios are computed in JavaScript float64 (the
 * step actually applied is the difference of the float32-rounded weights), but tfjs evaluates the
 * loss in float32. An entry whose absolute error is below the resulting rounding noise
 * (`4 * 2^-23 * |f| / 2h`) is marked `withinNoise` and does not count against the verdict, which
 * is then at best `'ok'` (`'good'` claims agreement to 1e-7, which float32 cannot show); a wrong
 * gradient of a non-negligible size still shows its relative error (0.5 for a halved gradient).
 * `maxRelativeErrorAll` gives the raw figure, noise included. Model weights are
 * restored exactly afterwards. Returns plain numbers; leaks nothing.
 *
 * @example
 * const report = await gradientCheck(model, { x, y, loss: softmaxCrossEntropy() });
 * report.verdict; // 'good' | 'ok' | 'uncomfortable' | 'wrong'
 * for (const w of report.weights) console.log(w.name, w.verdict, w.maxRelativeError);
 */
export async function gradientCheck(
  target: TrainableModel | LossOf,
  options: ModelGradientCheckOptions | FunctionGradientCheckOptions,
): Promise<GradientCheckReport> {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError('options must be an object', { argument: 'options', received: options });
  }
  const step = assertNumber('step', options.step ?? 3e-3, { min: 0, exclusiveMin: true });
  const maxEntries = options.maxEntriesPerWeight ?? 30;
  if (maxEntries !== Number.POSITIVE_INFINITY) assertPositiveInt('maxEntriesPerWeight', maxEntries);
  const wrongAbove = assertNumber('wrongAbove', options.wrongAbove ?? 1e-2, { min: 0 });
  const uncomfortableAbove = assertNumber(
    'uncomfortableAbove',
    options.uncomfortableAbove ?? 1e-4,
    {
      min: 0,
      max: wrongAbove,
    },
  );
  const goodBelow = assertNumber('goodBelow', options.goodBelow ?? 1e-7, {
    min: 0,
    max: uncomfortableAbove,
  });
  const verdictOf = (r: number): GradientVerdict =>
    r > wrongAbove
      ? 'wrong'
      : r > uncomfortableAbove
        ? 'uncomfortable'
        : r < goodBelow
          ? 'good'
          : 'ok';
  const rng = new Rng(assertNumber('seed', options.seed ?? 0, { min: 0, integer: true }));

  const point =
    typeof target === 'function' ? functionPoint(target, options) : modelPoint(target, options);
  try {
    const names = options.weights ?? point.names;
    for (const n of names) {
      if (!point.names.includes(n)) {
        throw new ConfigError('no such weight', {
          argument: 'weights',
          expected: `names among ${point.names.join(', ')}`,
          received: n,
        });
      }
    }
    const f0 = await point.evaluate();
    if ((await point.evaluate()) !== f0) {
      throw new StateError('the loss differs between two evaluations at the same weights', {
        argument: typeof target === 'function' ? 'fn' : 'model',
        expected: 'a deterministic loss (dropout, augmentation and other randomness off)',
        received: 'two different values',
      });
    }
    if (!Number.isFinite(f0)) {
      throw new NaNError('the loss is not finite at the given weights', {
        argument: typeof target === 'function' ? 'fn' : 'model',
        expected: 'a finite loss',
        received: f0,
      });
    }
    const analytic = await point.analytic(names);
    const weights: WeightGradientCheck[] = [];
    for (const name of names) {
      const { values, shape } = point.current(name);
      const grad = analytic[name]!;
      const size = values.length;
      const indices =
        size <= maxEntries
          ? [...Array(size).keys()]
          : Array.from(rng.permutation(size).slice(0, maxEntries));
      const entries: GradientCheckEntry[] = [];
      for (const index of indices) {
        const w = values[index] as number;
        const plus = Math.fround(w + step);
        const minus = Math.fround(w - step);
        const fPlus = await point.evaluateWith(name, index, plus);
        const fMinus = await point.evaluateWith(name, index, minus);
        const h2 = plus - minus; // the step really applied, in float64
        const numeric = (fPlus - fMinus) / h2;
        const a = grad[index] as number;
        const scale = Math.max(Math.abs(a), Math.abs(numeric));
        const relativeError = scale === 0 ? 0 : Math.abs(a - numeric) / scale;
        const noise =
          (NOISE_ULPS * EPS32 * Math.max(Math.abs(fPlus), Math.abs(fMinus), Math.abs(f0))) / h2;
        entries.push({
          index,
          analytic: a,
          numeric,
          relativeError,
          withinNoise: Math.abs(a - numeric) <= noise,
        });
      }
      const counted = entries.filter((e) => !e.withinNoise);
      const pool = counted.length > 0 ? counted : entries;
      const worst = pool.reduce((m, e) => (e.relativeError > m.relativeError ? e : m), pool[0]!);
      const maxRelativeError = counted.length > 0 ? worst.relativeError : 0;
      const withinNoise = entries.length - counted.length;
      // Agreement up to float32 noise is not the float64 agreement 'good' stands for.
      let verdict = verdictOf(maxRelativeError);
      if (verdict === 'good' && withinNoise > 0) verdict = 'ok';
      weights.push({
        name,
        shape,
        checked: entries.length,
        maxRelativeError,
        maxRelativeErrorAll: Math.max(0, ...entries.map((e) => e.relativeError)),
        withinNoise,
        verdict,
        worst,
        entries,
      });
    }
    const maxRelativeError = Math.max(0, ...weights.map((w) => w.maxRelativeError));
    const order: GradientVerdict[] = ['good', 'ok', 'uncomfortable', 'wrong'];
    return {
      verdict: order[Math.max(0, ...weights.map((w) => order.indexOf(w.verdict)))]!,
      maxRelativeError,
      loss: f0,
      step,
      precision: 'float32',
      weights,
    };
  } finally {
    point.restore();
  }
}

/** A point of a loss: read weights, evaluate with one entry changed, analytic gradients. */
interface Point {
  names: string[];
  current(name: string): { values: Float32Array; shape: number[] };
  evaluate(): Promise<number>;
  evaluateWith(name: string, index: number, value: number): Promise<number>;
  analytic(names: string[]): Promise<Record<string, Float32Array>>;
  restore(): void;
}

async function scalarValue(make: () => tf.Scalar): Promise<number> {
  const s = tf.tidy(make);
  const v = (await s.data())[0] as number;
  s.dispose();
  return v;
}

function functionPoint(fn: LossOf, options: GradientCheckOptions): Point {
  const params = (options as FunctionGradientCheckOptions).params;
  if (params === null || typeof params !== 'object' || Object.keys(params).length === 0) {
    throw new ConfigError('the function form needs the point to check at', {
      argument: 'params',
      expected: 'a non-empty { name: Tensor } map',
      received: params,
    });
  }
  const names = Object.keys(params);
  const values = new Map<string, { values: Float32Array; shape: number[] }>();
  for (const n of names) {
    const t = params[n];
    if (!(t instanceof tf.Tensor) || t.dtype !== 'float32') {
      throw new ConfigError('each param must be a float32 tensor', {
        argument: `params.${n}`,
        expected: 'a float32 Tensor',
        received: t,
      });
    }
    values.set(n, { values: t.dataSync() as Float32Array, shape: [...t.shape] });
  }
  const evalWith = (name?: string, index?: number, value?: number) =>
    scalarValue(() => {
      const map: tf.NamedTensorMap = {};
      for (const n of names) {
        const v = values.get(n)!;
        let data = v.values;
        if (n === name) {
          data = data.slice();
          data[index!] = value!;
        }
        map[n] = tf.tensor(data, v.shape, 'float32');
      }
      return checkScalar(fn(map));
    });
  return {
    names,
    current: (n) => values.get(n)!,
    evaluate: () => evalWith(),
    evaluateWith: evalWith,
    async analytic(which) {
      const grads = tf.tidy(() => {
        const xs = names.map((n) => tf.tensor(values.get(n)!.values, values.get(n)!.shape));
        const g = tf.grads((...args: tf.Tensor[]) =>
          checkScalar(fn(Object.fromEntries(names.map((n, i) => [n, args[i]!])))),
        )(xs);
        return g;
      });
      const out: Record<string, Float32Array> = {};
      for (const [i, n] of names.entries()) {
        if (which.includes(n)) out[n] = (await grads[i]!.data()) as Float32Array;
      }
      tf.dispose(grads);
      return out;
    },
    restore: () => {},
  };
}

function modelPoint(model: TrainableModel, options: GradientCheckOptions): Point {
  if (!model || typeof model.apply !== 'function' || !Array.isArray(model.trainableWeights)) {
    throw new ConfigError('not a tfjs-layers model or a loss function', {
      argument: 'target',
      expected: 'a LayersModel, or (params) => Scalar with options.params',
      received: model,
    });
  }
  const { x, y, loss } = options as ModelGradientCheckOptions;
  if (!(x instanceof tf.Tensor) || !(y instanceof tf.Tensor)) {
    throw new ConfigError('the model form needs x and y tensors', {
      argument: x instanceof tf.Tensor ? 'y' : 'x',
      expected: 'a Tensor',
      received: x instanceof tf.Tensor ? y : x,
    });
  }
  if (typeof loss !== 'function') {
    throw new ConfigError('the model form needs a loss', {
      argument: 'loss',
      expected: 'a Loss, e.g. softmaxCrossEntropy()',
      received: loss,
    });
  }
  // Stable names (`dense_1/kernel`), as fit, optimizers and monitors use.
  const vars = new Map<string, tf.Variable>(Object.entries(modelParams(model)));
  const names = [...vars.keys()];
  const saved = new Map(
    names.map((n) => {
      const v = vars.get(n)!;
      return [n, { values: v.dataSync() as Float32Array, shape: [...v.shape] }];
    }),
  );
  const lossValue = () => checkScalar(loss(y, model.apply(x, { training: false }) as tf.Tensor));
  const setEntry = (name: string, data: Float32Array) =>
    tf.tidy(() => vars.get(name)!.assign(tf.tensor(data, saved.get(name)!.shape, 'float32')));
  return {
    names,
    current: (n) => saved.get(n)!,
    evaluate: () => scalarValue(lossValue),
    async evaluateWith(name, index, value) {
      const data = saved.get(name)!.values.slice();
      data[index] = value;
      setEntry(name, data);
      try {
        return await scalarValue(lossValue);
      } finally {
        setEntry(name, saved.get(name)!.values);
      }
    },
    async analytic(which) {
      const list = which.map((n) => vars.get(n)!);
      const { value, grads } = tf.variableGrads(lossValue, list);
      value.dispose();
      const out: Record<string, Float32Array> = {};
      for (const n of which) out[n] = (await grads[vars.get(n)!.name]!.data()) as Float32Array;
      tf.dispose(Object.values(grads));
      return out;
    },
    restore: () => {
      for (const n of names) setEntry(n, saved.get(n)!.values);
    },
  };
}

function checkScalar(t: unknown): tf.Scalar {
  if (!(t instanceof tf.Tensor) || t.size !== 1) {
    throw new ConfigError('the loss must be a scalar tensor', {
      argument: 'fn',
      expected: 'a Scalar',
      received: t instanceof tf.Tensor ? `shape [${t.shape.join(', ')}]` : t,
    });
  }
  return t.rank === 0 ? (t as tf.Scalar) : (tf.reshape(t, []) as tf.Scalar);
}
