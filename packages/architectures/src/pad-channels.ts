import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Config of {@link PadChannels}. */
export interface PadChannelsArgs {
  /** Zero channels added before the input's channels. */
  before: number;
  /** Zero channels added after them. */
  after: number;
  name?: string;
}

/**
 * Adds zero channels to an NHWC tensor: the parameter-free "option A" shortcut of He et al.
 * 2016 (sec. 3.3 and 4.2) when a residual stage widens. No weights.
 */
export class PadChannels extends tfl.layers.Layer {
  static className = 'trainkit.PadChannels';
  readonly before: number;
  readonly after: number;

  constructor(args: PadChannelsArgs) {
    super(args);
    this.before = args.before;
    this.after = args.after;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = [...(inputShape as tfl.Shape)];
    const c = s[3];
    s[3] = c == null ? null : c + this.before + this.after;
    return s;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    return tf.tidy(() =>
      tf.pad(x, [
        [0, 0],
        [0, 0],
        [0, 0],
        [this.before, this.after],
      ]),
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), before: this.before, after: this.after };
  }
}
