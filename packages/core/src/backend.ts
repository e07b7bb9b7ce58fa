import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, TrainkitError } from './errors';

/** The backends trainkit knows by name; a package may register others. */
export type BackendName = 'cpu' | 'wasm' | 'webgl' | 'webgpu';
export type BackendChoice = 'auto' | BackendName | (string & {});

export type Environment = 'node' | 'browser' | 'worker';

/** What {@link useBackend} did. */
export interface BackendInfo {
  /** The backend now active. */
  name: string;
  environment: Environment;
  /** Each backend tried, in order, with why it failed. */
  tried: { name: string; ok: boolean; reason?: string }[];
  /**
   * Set when `'auto'` could not use the first backend of its order: what was chosen instead
   * and why (the same text the fallback notice prints once).
   */
  fallback?: string;
}

/** Options of {@link useBackend}. */
export interface UseBackendOptions {
  /**
   * `'auto'` only: skip backends that cannot train a CNN (no `Conv2DBackpropFilter` kernel,
   * as stock tfjs-backend-wasm). Default `true`; `false` for inference-only use.
   */
  training?: boolean;
  /**
   * Receives the notice when `'auto'` falls back to a later (slower) backend. Default: printed
   * once per distinct notice with `console.warn`. Pass `() => {}` to silence it.
   */
  onFallback?: (message: string) => void;
}

// Kernels a backend needs to train a CNN; stock wasm has no Conv2DBackpropFilter.
const TRAINING_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput'];

const warned = new Set<string>();
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(message);
}

/** Loads a backend's code (usually an `import()` of its package), registering it with tfjs. */
export type BackendLoader = () => Promise<unknown>;

/** The current JavaScript environment. */
export function environment(): Environment {
  const g = globalThis as {
    process?: { versions?: { node?: string } };
    window?: unknown;
    importScripts?: unknown;
  };
  if (g.process?.versions?.node !== undefined && g.window === undefined) return 'node';
  if (g.window === undefined && typeof g.importScripts === 'function') return 'worker';
  return 'browser';
}

// A variable specifier keeps bundlers from resolving optional packages at build time (a
// literal `import()` of a package that is not installed fails the build); in a bundled app,
// register a loader with a literal import (registerBackendLoader) for the backends you ship.
const importOptional = (specifier: string): Promise<unknown> =>
  import(/* @vite-ignore */ specifier);

const loaders = new Map<string, BackendLoader>([
  ['cpu', () => importOptional('@tensorflow/tfjs-backend-cpu')],
  ['wasm', () => importOptional('@tensorflow/tfjs-backend-wasm')],
  ['webgl', () => importOptional('@tensorflow/tfjs-backend-webgl')],
  ['webgpu', () => importOptional('@tensorflow/tfjs-backend-webgpu')],
]);

/**
 * Tells `useBackend` how to load a backend (for example in the browser, where optional
 * packages cannot be imported by name at run time, or to add a backend of your own).
 * @example registerBackendLoader('webgpu', () => import('@tensorflow/tfjs-backend-webgpu'))
 */
export function registerBackendLoader(name: string, loader: BackendLoader): void {
  loaders.set(name, loader);
}

let autoOrder: Record<Environment, string[]> = {
  browser: ['webgpu', 'webgl', 'wasm', 'cpu'],
  worker: ['webgpu', 'webgl', 'wasm', 'cpu'],
  node: ['wasm', 'cpu'],
};

/** Changes the order `useBackend('auto')` tries backends in, per environment. */
export function setAutoOrder(env: Environment, order: string[]): void {
  autoOrder = { ...autoOrder, [env]: [...order] };
}

/** The order `useBackend('auto')` tries in the current environment. */
export function getAutoOrder(env: Environment = environment()): string[] {
  return [...autoOrder[env]];
}

function unavailableReason(name: string, env: Environment): string | undefined {
  const g = globalThis as {
    navigator?: { gpu?: unknown };
    document?: unknown;
    OffscreenCanvas?: unknown;
  };
  if (name === 'webgl' && env === 'node' && g.OffscreenCanvas === undefined) {
    return 'WebGL needs a browser canvas (none in Node)';
  }
  if (name === 'webgpu' && g.navigator?.gpu === undefined) {
    return env === 'node'
      ? 'WebGPU needs navigator.gpu (in Node, install the `webgpu` package and set it up first)'
      : 'this browser exposes no navigator.gpu (enable WebGPU, or use a browser that has it)';
  }
  return undefined;
}

async function trySet(name: string, env: Environment): Promise<string | undefined> {
  const pre = unavailableReason(name, env);
  if (pre) return pre;
  if (tf.findBackendFactory(name) === null) {
    const loader = loaders.get(name);
    if (!loader) return `no backend "${name}" is registered and no loader is known for it`;
    try {
      await loader();
    } catch (e) {
      const hint =
        env === 'node'
          ? `install @tensorflow/tfjs-backend-${name}`
          : `in a bundled app, install @tensorflow/tfjs-backend-${name} and call registerBackendLoader('${name}', () => import('@tensorflow/tfjs-backend-${name}'))`;
      return `its package could not be loaded (${(e as Error).message.split('\n')[0]}): ${hint}`;
    }
    if (tf.findBackendFactory(name) === null) return `loading it registered no backend "${name}"`;
  }
  try {
    const ok = await tf.setBackend(name);
    if (!ok) {
      return name === 'wasm' && env !== 'node'
        ? "tfjs could not initialise it (are the .wasm files of @tensorflow/tfjs-backend-wasm served? see setWasmPaths, or @trainkit/backend's wasmPaths option)"
        : 'tfjs could not initialise it';
    }
    await tf.ready();
    return tf.getBackend() === name ? undefined : `tfjs fell back to "${tf.getBackend()}"`;
  } catch (e) {
    return `initialisation failed (${(e as Error).message.split('\n')[0]})`;
  }
}

function missingTrainingKernel(name: string): string | undefined {
  return TRAINING_KERNELS.find((k) => tf.getKernel(k, name) === undefined);
}

/**
 * Selects a backend and reports which one is active. `'auto'` tries, in order, the best
 * backends for this environment (browser: webgpu, webgl, wasm, cpu; Node: wasm, cpu) and
 * keeps the first that initialises and can train (see {@link UseBackendOptions.training});
 * when that is not the first of the order it says so once (`console.warn`), with why. A
 * named backend that cannot be used throws a `TrainkitError` (code `CONFIG`) saying why.
 *
 * Stock tfjs-backend-wasm cannot train CNNs, so in Node core alone lands on the slow cpu
 * backend: `useFastBackend()` from `@trainkit/backend` gives wasm with trainkit's kernels.
 *
 * @example
 * const { name } = await useBackend('auto');
 * console.log(`training on ${name}`);
 */
export async function useBackend(
  choice: BackendChoice = 'auto',
  options: UseBackendOptions = {},
): Promise<BackendInfo> {
  if (typeof choice !== 'string' || choice.length === 0) {
    throw new ConfigError('backend must be a name', {
      argument: 'backend',
      expected: "'auto', 'cpu', 'wasm', 'webgl' or 'webgpu'",
      received: choice,
    });
  }
  const env = environment();
  const order = choice === 'auto' ? autoOrder[env] : [choice];
  const tried: BackendInfo['tried'] = [];
  const training = choice === 'auto' && options.training !== false;
  for (const name of order) {
    let reason = await trySet(name, env);
    const missing = reason === undefined && training ? missingTrainingKernel(name) : undefined;
    if (missing !== undefined) {
      reason = `it cannot train a CNN (no ${missing} kernel${name === 'wasm' ? "; @trainkit/backend's useFastBackend() adds it" : ''})`;
    }
    tried.push(reason === undefined ? { name, ok: true } : { name, ok: false, reason });
    if (reason === undefined) {
      const info: BackendInfo = { name, environment: env, tried };
      if (tried.length > 1) {
        const why = tried
          .filter((t) => !t.ok)
          .map((t) => `${t.name}: ${t.reason}`)
          .join('; ');
        info.fallback = `trainkit: using the ${name} backend, slower than ${order[0]} (${why})`;
        (options.onFallback ?? warnOnce)(info.fallback);
      }
      return info;
    }
  }
  const why = tried.map((t) => `${t.name}: ${t.reason}`).join('; ');
  throw new TrainkitError('CONFIG', `backend "${choice}" is not available in ${env} (${why})`, {
    argument: 'backend',
    expected:
      choice === 'auto' ? `one of ${order.join(', ')} to initialise` : `"${choice}" to initialise`,
  });
}
