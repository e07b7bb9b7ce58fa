import * as tf from '@tensorflow/tfjs-core';
import {
  ConfigError,
  type GradientTransformation,
  type Params,
  type TensorMap,
} from '@trainkit/core';
import { optimizerFromJSON } from './registry';

/** A named tensor as tfjs optimizers exchange them (`getWeights`/`setWeights`). */
type NamedTensor = { name: string; tensor: tf.Tensor };

/**
 * A tfjs `Optimizer` that runs a trainkit {@link GradientTransformation}, so that
 * `model.compile({ optimizer })` and `model.fit` use it. Parameters are keyed by the tfjs
 * Variable names (`dense_Dense1/kernel`, or `head/kernel` for a layer named `head`), so name
 * patterns in `freeze` / `multiplyLearningRates` / masks refer to layer names. State lives in
 * Variables updated with `assign`; `getWeights`/`setWeights` save and restore it (with the step).
 */
export class LayersOptimizer extends tf.Optimizer {
  static className = 'TrainkitOptimizer';
  readonly transform: GradientTransformation;
  private state: Record<string, tf.Variable> | undefined;

  constructor(transform: GradientTransformation) {
    super();
    if (!transform || typeof transform.update !== 'function') {
      throw new ConfigError('not a gradient transformation', {
        argument: 'transformation',
        expected: 'an object with init() and update() (e.g. adam())',
        received: transform,
      });
    }
    this.transform = transform;
  }

  applyGradients(variableGradients: TensorMap | NamedTensor[]): void {
    const grads: TensorMap = Array.isArray(variableGradients)
      ? Object.fromEntries(variableGradients.map((n) => [n.name, n.tensor]))
      : variableGradients;
    const registered = tf.engine().registeredVariables;
    const params: Params = {};
    for (const name of Object.keys(grads)) {
      const v = registered[name];
      if (!v) {
        throw new ConfigError(`no registered variable named "${name}"`, {
          argument: 'variableGradients',
          expected: 'gradients keyed by tf.Variable names',
          received: name,
        });
      }
      params[name] = v;
    }
    if (!this.state) {
      this.state = {};
      for (const [k, t] of Object.entries(this.transform.init(params))) {
        this.state[k] = tf.variable(t, false);
        t.dispose();
      }
    }
    const state = this.state;
    tf.tidy(() => {
      const r = this.transform.update(grads, state, params, { step: this.iterations });
      for (const [k, u] of Object.entries(r.updates)) params[k]?.assign(tf.add(params[k], u));
      for (const [k, v] of Object.entries(state)) {
        const t = r.state[k];
        if (t && t !== v) v.assign(t);
      }
    });
    this.incrementIterations();
  }

  /** `[iter, ...state]`: the step and every state Variable, named by its state key. */
  override async getWeights(): Promise<NamedTensor[]> {
    const state = Object.entries(this.state ?? {}).map(([name, tensor]) => ({ name, tensor }));
    return [await this.saveIterations(), ...state];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    if (this.state) tf.dispose(Object.values(this.state));
    this.state = {};
    for (const { name, tensor } of rest) this.state[name] = tf.variable(tensor, false);
  }

  override dispose(): void {
    if (this.state) tf.dispose(Object.values(this.state));
    this.state = undefined;
  }

  getConfig(): tf.serialization.ConfigDict {
    return this.transform.toJSON() as unknown as tf.serialization.ConfigDict;
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(optimizerFromJSON(config)) as T;
  }
}

/**
 * Wraps a trainkit transformation as a tfjs `Optimizer` for `model.compile`.
 * @example
 * model.compile({ optimizer: toLayersOptimizer(adam({ learningRate: 1e-3 })), loss: 'meanSquaredError' });
 * await model.fit(x, y, { epochs: 5 });
 */
export function toLayersOptimizer(transformation: GradientTransformation): LayersOptimizer {
  return new LayersOptimizer(transformation);
}

/**
 * Registers {@link LayersOptimizer} with tfjs serialization (explicit, not on import), so a
 * saved model's optimizer config can be rebuilt by tfjs.
 */
export function registerLayersOptimizer(): void {
  tf.serialization.registerClass(LayersOptimizer);
}
