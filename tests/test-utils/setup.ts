// Tests run on the tfjs cpu backend; tfjs-layers registers the gradients.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
