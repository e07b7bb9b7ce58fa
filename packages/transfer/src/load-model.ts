import * as tf from '@tensorflow/tfjs-core';
import { type LayersModel, loadLayersModel } from '@tensorflow/tfjs-layers';
import { ConfigError, IOError, isTrainkitError } from '@trainkit/core';

type Json = Record<string, unknown>;

/**
 * Drops `batch_input_shape` / `input_shape` from every layer of a Sequential topology but the
 * first. Keras 2.2 saved DoodleNet's second layer with a declared input shape; tfjs-layers warns
 * about it and ignores it, and removing it keeps that behaviour without the noise.
 */
export function stripInnerInputShapes(topology: Json): Json {
  const modelConfig = (topology.model_config ?? topology) as Json;
  if (modelConfig.class_name !== 'Sequential') return topology;
  const config = modelConfig.config as Json | Json[];
  const layers = (Array.isArray(config) ? config : (config.layers as Json[] | undefined)) ?? [];
  for (const layer of layers.slice(1)) {
    const c = layer.config as Json | undefined;
    if (c) {
      delete c.batch_input_shape;
      delete c.input_shape;
    }
  }
  return topology;
}

function resolveHandler(source: string | tf.io.IOHandler): tf.io.IOHandler {
  if (typeof source !== 'string') {
    if (source && typeof source.load === 'function') return source;
    throw new ConfigError('cannot load a model from this source', {
      argument: 'source',
      expected: 'a URL string (http(s)://, localstorage://, indexeddb://) or a tf.io.IOHandler',
      received: source,
    });
  }
  const handlers = tf.io.getLoadHandlers(source);
  const first = handlers[0];
  if (first === undefined || typeof first.load !== 'function') {
    throw new ConfigError('no tfjs IO handler recognises this URL', {
      argument: 'source',
      expected:
        'http(s)://, localstorage:// or indexeddb:// (in Node use loadModelFromPath from @trainkit/transfer/node)',
      received: source,
    });
  }
  return first;
}

/**
 * Loads a tfjs-layers model (model.json + weight shards) from a URL, browser storage
 * (`localstorage://name`, `indexeddb://name`) or any `tf.io.IOHandler`, coping with the
 * inner-input-shape quirk of Keras 2.2 Sequential exports. Failures become an {@link IOError}.
 *
 * @example
 * const model = await loadModel('https://example.com/doodlenet/model.json');
 * const fromBrowser = await loadModel('indexeddb://my-model');
 */
export async function loadModel(source: string | tf.io.IOHandler): Promise<LayersModel> {
  const handler = resolveHandler(source);
  const patched: tf.io.IOHandler = {
    load: async () => {
      const artifacts = await (handler.load as () => Promise<tf.io.ModelArtifacts>)();
      if (artifacts.modelTopology && !(artifacts.modelTopology instanceof ArrayBuffer)) {
        stripInnerInputShapes(artifacts.modelTopology as Json);
      }
      return artifacts;
    },
  };
  try {
    return await loadLayersModel(patched);
  } catch (cause) {
    if (isTrainkitError(cause)) throw cause;
    throw new IOError('could not load the model', {
      argument: 'source',
      expected: 'a readable tfjs-layers model (model.json + weight shards)',
      received: typeof source === 'string' ? source : 'an IOHandler',
      cause,
    });
  }
}

/**
 * Saves a model in the tfjs-layers format to any tfjs URL (`localstorage://`, `indexeddb://`,
 * `downloads://`, `http(s)://` for a POST) or IOHandler. In Node use `saveModelToPath`.
 *
 * @example await saveModel(model, 'indexeddb://fine-tuned');
 */
export async function saveModel(
  model: LayersModel,
  destination: string | tf.io.IOHandler,
): Promise<tf.io.SaveResult> {
  try {
    return await model.save(destination);
  } catch (cause) {
    throw new IOError('could not save the model', {
      argument: 'destination',
      received: typeof destination === 'string' ? destination : 'an IOHandler',
      cause,
    });
  }
}
