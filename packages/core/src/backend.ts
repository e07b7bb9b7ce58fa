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

// A variable specifier keeps bundlers from resolving optional packages at build time;
// in the browser, import the backend package yourself or register a loader.
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
      return `its package could not be loaded (${(e as Error).message.split('\n')[0]})`;
    }
    if (tf.findBackendFactory(name) === null) return `loading it registered no backend "${name}"`;
  }
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return 'tfjs could not initialise it';
    await tf.ready();
    return tf.getBackend() === name ? undefined : `tfjs fell back to "${tf.getBackend()}"`;
  } catch (e) {
    return `initialisation failed (${(e as Error).message.split('\n')[0]})`;
  }
}

/**
 * Selects a backend and reports which one is active. `'auto'` tries, in order, the best
 * backends for this environment (browser: webgpu, webgl, wasm, cpu; Node: wasm, cpu) and
 * keeps the first that initialises. A named backend that cannot be used throws a
 * `TrainkitError` (code `CONFIG`) saying why.
 *
 * @example
 * const { name } = await useBackend('auto');
 * console.log(`training on ${name}`);
 */
export async function useBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
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
  for (const name of order) {
    const reason = await trySet(name, env);
    tried.push(reason === undefined ? { name, ok: true } : { name, ok: false, reason });
    if (reason === undefined) return { name, environment: env, tried };
  }
  const why = tried.map((t) => `${t.name}: ${t.reason}`).join('; ');
  throw new TrainkitError('CONFIG', `backend "${choice}" is not available in ${env} (${why})`, {
    argument: 'backend',
    expected:
      choice === 'auto' ? `one of ${order.join(', ')} to initialise` : `"${choice}" to initialise`,
  });
}
