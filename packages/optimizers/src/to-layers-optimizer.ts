import * as tf from '@tensorflow/tfjs-core';
import {
  ConfigError,
  type GradientTransformation,
  type Params,
  type TensorMap,
} from '@trainkit/core';
import { OptimizerState } from './optimizer-state';
import { optimizerFromJSON } from './registry';
import { type Hyperparams, hyperparamsOf } from './transformation';

/** A named tensor as tfjs optimizers exchange them (`getWeights`/`setWeights`). */
type NamedTensor = { name: string; tensor: tf.Tensor };

/**
 * A tfjs `Optimizer` that runs a trainkit {@link GradientTransformation}, so that
 * `model.compile({ optimizer })` and `model.fit` use it. Parameters are keyed by the tfjs
 * Variable names (`dense_Dense1/kernel`, or `head/kernel` for a layer named `head`), so name
 * patterns in `freeze` / `multiplyLearningRates` / masks refer to layer names. State lives in
 * Variables owned by an {@link OptimizerState} (which also keeps the step count: `iterations`
 * reads it); `getWeights`/`setWeights` save and restore it (with the step).
 */
export class LayersOptimizer extends tf.Optimizer {
  static className = 'TrainkitOptimizer';
  readonly transform: GradientTransformation;
  /** The state owner, made at the first `applyGradients` (the variables are known then). */
  private owner: OptimizerState | undefined;
  /** State restored by `setWeights` before the owner exists; given to it when it is made. */
  private restored: { values: Record<string, tf.Tensor>; count: number } | undefined;

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

  /** Updates applied so far: the state owner's count (tfjs reads it as the step). */
  override get iterations(): number {
    return this.owner?.count ?? this.restored?.count ?? 0;
  }

  /** The hyper-parameters of the next update (`learningRate`, ...), read from the state owner. */
  get hyperparams(): Hyperparams {
    return hyperparamsOf(this.transform, { step: this.iterations });
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
    if (!this.owner) {
      const owner = new OptimizerState(this.transform, params);
      if (this.restored) {
        try {
          owner.restore(this.restored.values, this.restored.count);
        } finally {
          tf.dispose(Object.values(this.restored.values));
          this.restored = undefined;
        }
      }
      this.owner = owner;
    }
    this.owner.step(grads);
  }

  /** `[iter, ...state]`: the step and every state Variable, named by its state key. */
  override async getWeights(): Promise<NamedTensor[]> {
    const source = this.owner?.state ?? this.restored?.values ?? {};
    const state = Object.entries(source).map(([name, tensor]) => ({ name, tensor }));
    return [{ name: 'iter', tensor: tf.scalar(this.iterations, 'int32') }, ...state];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const [iter, ...rest] = weightValues;
    const count = iter ? ((await iter.tensor.data())[0] as number) : 0;
    const values = Object.fromEntries(rest.map(({ name, tensor }) => [name, tensor]));
    if (this.owner) {
      this.owner.restore(values, count);
      return;
    }
    if (this.restored) tf.dispose(Object.values(this.restored.values));
    this.restored = {
      values: Object.fromEntries(rest.map(({ name, tensor }) => [name, tf.clone(tensor)])),
      count,
    };
  }

  override dispose(): void {
    this.owner?.dispose();
    this.owner = undefined;
    if (this.restored) tf.dispose(Object.values(this.restored.values));
    this.restored = undefined;
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
