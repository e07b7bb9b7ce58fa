import * as tf from '@tensorflow/tfjs-core';

/** The shared registries a trainkit module could mutate when it is imported. */
export interface RegistrySnapshot {
  /** The core registry's kinds (`registeredKinds()` of @trainkit/core, passed in). */
  kinds: string[];
  /** tfjs serialization classes (`serialization.registerClass`). */
  classes: string[];
  /** tfjs backends and the kernels registered for each. */
  backends: string[];
  kernels: string[];
  /** Own keys of `globalThis`. */
  globals: string[];
}

/** A snapshot of the registries; `kinds` is the core registry's `registeredKinds`. */
export function registrySnapshot(kinds: () => string[]): RegistrySnapshot {
  const classMap = tf.serialization.SerializationMap.getMap().classNameMap;
  const backends = Object.keys(tf.engine().registryFactory).sort();
  return {
    kinds: kinds(),
    classes: Object.keys(classMap).sort(),
    backends,
    kernels: backends
      .flatMap((b) => tf.getKernelsForBackend(b).map((k) => `${b}:${k.kernelName}`))
      .sort(),
    globals: Reflect.ownKeys(globalThis).map(String).sort(),
  };
}

/**
 * What importing a module (the first time in this test file) added to the shared registries:
 * empty lists for a module without side effects, as `"sideEffects": false` promises.
 * @example expect(await importSideEffects(() => import('./index'), registeredKinds)).toEqual(NONE)
 */
export async function importSideEffects(
  load: () => Promise<unknown>,
  kinds: () => string[],
): Promise<RegistrySnapshot> {
  const before = registrySnapshot(kinds);
  await load();
  const after = registrySnapshot(kinds);
  const diff = (k: keyof RegistrySnapshot) => {
    const was = new Set(before[k]);
    const now = new Set(after[k]);
    return [
      ...after[k].filter((x) => !was.has(x)).map((x) => `+${x}`),
      ...before[k].filter((x) => !now.has(x)).map((x) => `-${x}`),
    ];
  };
  return {
    kinds: diff('kinds'),
    classes: diff('classes'),
    backends: diff('backends'),
    kernels: diff('kernels'),
    globals: diff('globals'),
  };
}

/** {@link importSideEffects} of a module without any. */
export const NO_SIDE_EFFECTS: RegistrySnapshot = {
  kinds: [],
  classes: [],
  backends: [],
  kernels: [],
  globals: [],
};

/**
 * Imports a module and throws, listing what changed, if the import touched a shared registry;
 * returns the module. For the `"sideEffects": false` test of every package.
 * @example const pkg = await importCleanly(() => import('./index'), registeredKinds);
 */
export async function importCleanly<T>(load: () => Promise<T>, kinds: () => string[]): Promise<T> {
  let mod: T | undefined;
  const added = await importSideEffects(async () => {
    mod = await load();
  }, kinds);
  const changed = Object.entries(added).filter(([, v]) => (v as string[]).length > 0);
  if (changed.length > 0) {
    throw new Error(
      `importing the module changed shared registries: ${changed
        .map(([k, v]) => `${k} ${(v as string[]).join(' ')}`)
        .join('; ')}`,
    );
  }
  return mod as T;
}
