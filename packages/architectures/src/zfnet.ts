import type * as tfl from '@tensorflow/tfjs-layers';
import { type AlexNetLayout, type AlexNetOptions, alexnetFamily } from './alexnet';

/** Options of {@link zfnet} (those of AlexNet). */
export type ZfNetOptions = AlexNetOptions;

// Zeiler & Fergus 2013, Fig. 3: AlexNet with a smaller, denser start.
const ZFNET: AlexNetLayout = {
  name: 'zfnet',
  padding: 1,
  filters: [96, 256, 384, 384, 256],
  kernels: [7, 5, 3, 3, 3],
  strides: [2, 2, 1, 1, 1],
  pools: ['same', 'same', null, null, 'valid'],
  minSize: 53,
};

/**
 * ZFNet (Zeiler & Fergus 2013, Fig. 3): AlexNet's sibling with a 7x7 stride-2 first conv (instead
 * of 11x11 stride 4, which aliased the first-layer filters) and a stride-2 second conv; convs of
 * 96-256-384-384-256 filters on one GPU (no grouping); dropout + dense 4096 + dense 4096 + dense
 * classes. At 224x224x3: 110x110x96 after conv1, 55x55 after pool1, 26x26x256 after conv2, 13x13
 * after pool2 and conv3-5, 6x6x256 after pool5 (the paper's sizes); 62,357,608 parameters with
 * 1000 classes. No contrast normalisation (tfjs-layers has no LRN layer, as for AlexNet).
 * conv1 pads 1 pixel explicitly; pool1 and pool2 use `'same'` padding (PyTorch: `padding=1`;
 * equal outputs after a ReLU). Smallest input: 53x53. Built by {@link alexnetFamily}.
 * Layer names: `pad1 conv1 pool1 conv2 pool2 conv3 conv4 conv5 pool5 flatten dropout6 fc6
 * dropout7 fc7 fc8`.
 *
 * @example
 * const model = zfnet({ inputShape: [224, 224, 3] }); // 62,357,608 parameters
 */
export function zfnet(options: ZfNetOptions = {}): tfl.LayersModel {
  return alexnetFamily(ZFNET, options);
}
