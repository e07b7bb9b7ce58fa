import { fromJSON, registerKind, type Serialized } from '@trainkit/core';
import { constant, zeros } from './constant';
import type { Initializer } from './initializer';
import { rngFromJSON } from './initializer';
import { orthogonal } from './orthogonal';
import { smallRandom } from './small-random';
import { type Distribution, type FanMode, varianceScaling } from './variance-scaling';

/**
 * Registers every `init.*` kind with the core serialization registry (idempotent). Called by
 * {@link initializerFromJSON}; call it yourself before the core `fromJSON` on init JSON.
 * @example registerInitKinds(); const init = fromJSON(json); // core fromJSON
 */
export function registerInitKinds(): void {
  registerKind('init.zeros', () => zeros());
  registerKind('init.constant', (j: Serialized) => constant({ value: j.value as number }));
  registerKind('init.smallRandom', (j: Serialized) =>
    smallRandom({ std: j.std as number, rng: rngFromJSON(j.rng) }),
  );
  registerKind('init.orthogonal', (j: Serialized) =>
    orthogonal({ gain: j.gain as number, rng: rngFromJSON(j.rng) }),
  );
  // Glorot, He and LeCun serialize as the variance scaling they are (as Keras does).
  registerKind('init.varianceScaling', (j: Serialized) =>
    varianceScaling({
      scale: j.scale as number,
      mode: j.mode as FanMode,
      distribution: j.distribution as Distribution,
      rng: rngFromJSON(j.rng),
    }),
  );
}

/**
 * Rebuilds an initializer from its `toJSON()` output. A rebuilt random initializer replays the
 * draws the original would have made from the moment it was created.
 * @example const again = initializerFromJSON(heNormal({ rng: 3 }).toJSON());
 */
export function initializerFromJSON(json: unknown): Initializer {
  registerInitKinds();
  return fromJSON<Initializer>(json);
}
