import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn` and throws if the number of live tensors changed (a leak, or a double dispose).
 * Returns `fn`'s result. Works with sync and async functions.
 * @example await expectNoLeaks(() => adam().init(params)) // fails: init returns owned tensors
 */
export async function expectNoLeaks<T>(fn: () => T | Promise<T>, label = 'function'): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(
      `${label} leaked ${after - before} tensor(s): ${before} before, ${after} after`,
    );
  }
  return out;
}

/** Tensors created (positive) or freed (negative) by `fn`. */
export async function tensorDelta(fn: () => unknown): Promise<number> {
  const before = tf.memory().numTensors;
  await fn();
  return tf.memory().numTensors - before;
}

/** Headless Chromium for the browser tests (path and launch arguments). */
export { type BrowserPage, runInChromium, serveBrowserBundle } from './browser-bundle';
export { chromiumArgs, chromiumPath } from './chromium';
/** Where the project's shared data lives (`$TRAINKIT_SHARED`, or `../shared` beside the repo). */
export { sharedDir } from './shared-dir';

/**
 * The `code` of the TrainkitError that `fn` throws, `undefined` if it throws nothing, or
 * `untyped: <error>` for any other error — so a test can assert the typed-error contract.
 * @example expect(errorCode(() => assertNumber('lr', -1, { min: 0 }))).toBe('RANGE')
 */
export function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    // core's brand, read directly so that this private package does not depend on core
    const branded = typeof e === 'object' && e !== null && Symbol.for('trainkit.error') in e;
    return branded ? (e as { code: string }).code : `untyped: ${e}`;
  }
  return undefined;
}

/** Element-wise relative closeness of two arrays (numerics against references). */
export { expectClose } from './expect-close';

export {
  importCleanly,
  importSideEffects,
  NO_SIDE_EFFECTS,
  type RegistrySnapshot,
  registrySnapshot,
} from './import-side-effects';
/** README examples kept identical to the tests that run them. */
export { markedBody, readmeBlock, withoutImports } from './readme-block';
