import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { assertNumber, ConfigError, Rng } from '@trainkit/core';
import { checkRate, dropout, spatialDropout } from './dropout';

export interface SeededDropoutArgs {
  /** Drop probability in [0, 1). */
  rate: number;
  /** Seed of the layer's mask generator (integer >= 0). Default 0. */
  seed?: number;
  /** Drop whole channels of NHWC maps (spatial dropout) instead of single units. Default false. */
  spatial?: boolean;
  name?: string;
}

/**
 * Inverted dropout as a tfjs-layers layer whose masks come from its own seeded {@link Rng}: a new
 * mask at every training call, the same sequence for the same seed. (The stock
 * `tf.layers.dropout({ seed })` passes the same seed to every call, so every step drops the same
 * units.) Identity at inference. The generator restarts from `seed` when a model is reloaded.
 * @example
 * model.add(new SeededDropout({ rate: 0.5, seed: 1 }));
 */
export class SeededDropout extends tfl.layers.Layer {
  static className = 'TrainkitSeededDropout';
  readonly rate: number;
  readonly seed: number;
  readonly spatial: boolean;
  private readonly rng: Rng;

  constructor(args: SeededDropoutArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.rate = checkRate(args?.rate);
    this.seed = assertNumber('seed', args.seed ?? 0, { min: 0, integer: true });
    if (args.spatial !== undefined && typeof args.spatial !== 'boolean') {
      throw new ConfigError('must be a boolean', {
        argument: 'spatial',
        expected: 'true or false',
        received: args.spatial,
      });
    }
    this.spatial = args.spatial ?? false;
    this.rng = new Rng(this.seed);
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const options = { rate: this.rate, rng: this.rng, training: kwargs?.training ?? false };
    return this.spatial ? spatialDropout(x, options) : dropout(x, options);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, spatial: this.spatial };
  }
}

/** Registers {@link SeededDropout} with tfjs-layers serialization. Explicit, idempotent. */
export function registerSeededDropout(): void {
  tf.serialization.registerClass(SeededDropout);
}
