import type { ArchitectureName } from '@trainkit/architectures';
import type { Serialized } from '@trainkit/core';
import { type Choices, resolveChoice } from './choices';

/** The architecture builders the CLI offers (the `architectures.spec` names). */
export const ARCHITECTURES: Choices<ArchitectureName> = {
  family: 'architecture',
  names: [
    'lenet5',
    'alexnet',
    'zfnet',
    'vgg',
    'inceptionV1',
    'resnet',
    'cifarResnet',
    'smallResnet',
  ],
  aliases: {},
};

/**
 * The `{ kind, ... }` spec of builder `name` with `options`; `fromSpec(spec).build()` makes the
 * model.
 *
 * @example
 * architectureSpec('lenet5', { inputShape: [28, 28, 1], numClasses: 10 });
 */
export function architectureSpec(name: string, options: Record<string, unknown>): Serialized {
  const canonical = resolveChoice('arch', name, ARCHITECTURES);
  return { kind: 'architectures.spec', version: 1, name: canonical, options };
}
