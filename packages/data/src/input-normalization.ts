import { assertOneOf } from '@trainkit/core';
import { type PixelNormalization, pixelNormalization } from './pixel-normalization';

/** ImageNet channel means and standard deviations in [0, 1] units (torchvision's models). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** The input conventions of pretrained networks. */
export type InputNormalizationName = 'imagenet' | 'minus-one-to-one' | 'unit' | 'raw';

/**
 * The pixel normalisation a pretrained network expects, by name: `'imagenet'`
 * (`(x / 255 - mean) / std` with the ImageNet statistics: torchvision, Keras ResNet50V2 in
 * "torch" mode), `'minus-one-to-one'` (`x / 127.5 - 1`: Inception, MobileNet, Keras "tf" mode),
 * `'unit'` (`x / 255`: Darknet, DoodleNet) or `'raw'` (`x` unchanged, 0..255).
 *
 * @example
 * const norm = inputNormalization('imagenet');
 * const x = norm.applyTensor(uint8Batch); // float32, channels last
 */
export function inputNormalization(name: InputNormalizationName): PixelNormalization {
  const n = assertOneOf('name', name, ['imagenet', 'minus-one-to-one', 'unit', 'raw'] as const);
  if (n === 'imagenet') {
    return pixelNormalization({
      mode: 'standardize',
      mean: [...IMAGENET_MEAN],
      std: [...IMAGENET_STD],
    });
  }
  if (n === 'minus-one-to-one') return pixelNormalization({ mode: 'symmetric' });
  if (n === 'unit') return pixelNormalization({ mode: 'unit' });
  return pixelNormalization({ mode: 'unit', maxValue: 1 });
}
