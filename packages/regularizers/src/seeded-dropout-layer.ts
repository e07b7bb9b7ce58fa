import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { assertNumber, ConfigError, Rng } from '@trainkit/core';
import { type DropAmount, dropout, dropProbabilities, spatialDropout } from './dropout';

export type SeededDropoutArgs = DropAmount & {
  /** Seed of the layer's mask generator (integer >= 0). Default 0. */
  seed?: number;
  /** Drop whole channels of NHWC maps (spatial dropout) instead of single units. Default false. */
  spatial?: boolean;
  name?: string;
};

/**
 * Inverted dropout as a tfjs-layers layer whose masks come from its own seeded {@link Rng}: a new
 * mask at every training call, the same sequence for the same seed. (The stock
 * `tf.layers.dropout({ seed })` passes the same seed to every call, so every step drops the same
 * units.) Identity at inference. The generator restarts from `seed` when a model is reloaded.
 * `rate` is the drop probability; the lecture's keep probability `p` is `keepProb` (one of the two).
 * @example
 * model.add(new SeededDropout({ rate: 0.5, seed: 1 }));
 * model.add(new SeededDropout({ keepProb: 0.8, seed: 2 })); // drops 20%
 */
export class SeededDropout extends tfl.layers.Layer {
  static className = 'TrainkitSeededDropout';
  /** Drop probability. */
  readonly rate: number;
  /** Keep probability, `1 - rate`. */
  readonly keepProb: number;
  readonly seed: number;
  private readonly givenAs: 'rate' | 'keepProb';
  readonly spatial: boolean;
  private readonly rng: Rng;

  constructor(args: SeededDropoutArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    const { rate, keepProb } = dropProbabilities(args);
    this.rate = rate;
    this.keepProb = keepProb;
    this.givenAs = args.keepProb === undefined ? 'rate' : 'keepProb';
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
    const amount = this.givenAs === 'rate' ? { rate: this.rate } : { keepProb: this.keepProb };
    const options = { ...amount, rng: this.rng, training: kwargs?.training ?? false };
    return this.spatial ? spatialDropout(x, options) : dropout(x, options);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    // Saved as given, so that a reloaded layer has the exact same probability.
    const amount: tf.serialization.ConfigDict =
      this.givenAs === 'rate' ? { rate: this.rate } : { keepProb: this.keepProb };
    return { ...super.getConfig(), ...amount, seed: this.seed, spatial: this.spatial };
  }
}

/** Registers {@link SeededDropout} with tfjs-layers serialization. Explicit, idempotent. */
export function registerSeededDropout(): void {
  tf.serialization.registerClass(SeededDropout);
}
