import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { assertPositiveInt, ConfigError, ShapeError } from '@trainkit/core';
import { INITIALIZERS, type InitializerName } from './common';

function makeInitializer(name: InitializerName): ReturnType<typeof tfl.initializers.zeros> {
  const i = tfl.initializers;
  const make: Record<InitializerName, () => ReturnType<typeof tfl.initializers.zeros>> = {
    glorotUniform: () => i.glorotUniform({}),
    glorotNormal: () => i.glorotNormal({}),
    heNormal: () => i.heNormal({}),
    heUniform: () => i.heUniform({}),
    leCunNormal: () => i.leCunNormal({}),
    leCunUniform: () => i.leCunUniform({}),
    truncatedNormal: () => i.truncatedNormal({}),
    randomNormal: () => i.randomNormal({}),
    zeros: () => i.zeros(),
  };
  return make[name]();
}

/** Config of {@link Maxout}. */
export interface MaxoutArgs {
  /** Output units (maxout units). */
  units: number;
  /** Linear pieces per unit, k >= 2 (Goodfellow et al. use 2 to 5). */
  pieces: number;
  /** Add a bias to each piece. Default true. */
  useBias?: boolean;
  /** Initializer of the `[inputDim, units * pieces]` kernel. Default `'glorotUniform'`. */
  kernelInitializer?: InitializerName;
  /** Initializer of the `[units * pieces]` bias. Default `'zeros'`. */
  biasInitializer?: InitializerName;
  name?: string;
  inputShape?: tfl.Shape;
  batchInputShape?: tfl.Shape;
  trainable?: boolean;
}

/**
 * A maxout layer (Goodfellow, Warde-Farley, Mirza, Courville & Bengio 2013, eq. 1):
 * `h_i(x) = max_j z_ij` with `z_ij = x W_ij + b_ij`, `j = 1..k` linear pieces per unit. It learns
 * a convex piecewise-linear activation; with k = 2 it can represent ReLU (`max(0, w x)`) and leaky
 * ReLU, at k times the parameters of a dense layer: `(inputDim + 1) * units * pieces`.
 * Acts on the last axis (any rank >= 2, like `dense`). Column `i * pieces + j` of the kernel is
 * piece j of unit i (as `torch.nn.Linear(in, units * k)` followed by `view(..., units, k).max(-1)`).
 * Weights: `kernel`, `bias`. Register with `registerArchitectureLayers()` before loading a saved
 * model that uses it.
 *
 * @example
 * const model = tf.sequential({ layers: [
 *   new Maxout({ units: 64, pieces: 3, inputShape: [784] }),
 *   tf.layers.dense({ units: 10, activation: 'softmax' }),
 * ] }); // (784 + 1) * 64 * 3 + 650 = 151,370 parameters
 */
export class Maxout extends tfl.layers.Layer {
  static className = 'trainkit.Maxout';
  readonly units: number;
  readonly pieces: number;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerName;
  readonly biasInitializer: InitializerName;
  private kernel: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;

  constructor(args: MaxoutArgs) {
    if (args === null || typeof args !== 'object') {
      throw new ConfigError('Maxout needs its arguments', {
        argument: 'args',
        expected: '{ units, pieces }',
        received: args,
      });
    }
    const units = assertPositiveInt('units', args.units);
    const pieces = assertPositiveInt('pieces', args.pieces);
    if (pieces < 2) {
      throw new ConfigError('a maxout unit needs at least two pieces', {
        argument: 'pieces',
        expected: 'an integer >= 2 (k = 1 is a linear dense layer)',
        received: pieces,
      });
    }
    const useBias = args.useBias ?? true;
    const kernelInitializer = args.kernelInitializer ?? 'glorotUniform';
    const biasInitializer = args.biasInitializer ?? 'zeros';
    for (const [name, v] of [
      ['kernelInitializer', kernelInitializer],
      ['biasInitializer', biasInitializer],
    ] as const) {
      if (!INITIALIZERS.includes(v)) {
        throw new ConfigError('unknown initializer', {
          argument: name,
          expected: `one of ${INITIALIZERS.join(', ')}`,
          received: v,
        });
      }
    }
    // The rest (name, inputShape, batchInputShape, dtype, trainable) is the base layer's, as
    // tfjs passes it back when a saved model is loaded.
    const {
      units: _u,
      pieces: _p,
      useBias: _b,
      kernelInitializer: _k,
      biasInitializer: _bi,
      ...base
    } = args;
    super(base);
    this.units = units;
    this.pieces = pieces;
    this.useBias = useBias;
    this.kernelInitializer = kernelInitializer;
    this.biasInitializer = biasInitializer;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inputDim = shape[shape.length - 1];
    if (shape.length < 2 || inputDim == null) {
      throw new ShapeError('Maxout needs a known last dimension', {
        argument: 'inputShape',
        expected: '[batch, ..., features] with features known',
        received: shape,
      });
    }
    const width = this.units * this.pieces;
    this.kernel = this.addWeight(
      'kernel',
      [inputDim, width],
      'float32',
      makeInitializer(this.kernelInitializer),
    );
    if (this.useBias) {
      this.bias = this.addWeight('bias', [width], 'float32', makeInitializer(this.biasInitializer));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const inputDim = x.shape[x.shape.length - 1] as number;
      let z = tf.matMul(tf.reshape(x, [-1, inputDim]), this.kernel!.read());
      if (this.bias) z = tf.add(z, this.bias.read());
      // z_ij for unit i, piece j; the unit's output is its largest piece.
      const h = tf.max(tf.reshape(z, [-1, this.units, this.pieces]), -1);
      return tf.reshape(h, [...lead, this.units]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      pieces: this.pieces,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      biasInitializer: this.biasInitializer,
    };
  }
}
