import * as tf from '@tensorflow/tfjs-core';
import { Maxout } from './maxout';
import { PadChannels } from './pad-channels';

/**
 * Registers this package's custom layers (`PadChannels`, `Maxout`) with tfjs-layers
 * serialization, so that saved models using them load with `tf.loadLayersModel`.
 * The builders call it themselves; call it before loading a saved model. Idempotent.
 *
 * @example
 * registerArchitectureLayers();
 * const model = await tf.loadLayersModel('file://runs/a/model.json');
 */
export function registerArchitectureLayers(): void {
  tf.serialization.registerClass(PadChannels);
  tf.serialization.registerClass(Maxout);
}
