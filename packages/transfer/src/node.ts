// @trainkit/transfer/node: Node-only file-system adapters.

export { type CachedFeaturesOptions, extractFeaturesCached } from './feature-cache-node';
export { fileHandler, loadModelFromPath, saveModelToPath } from './file-handler-node';
export {
  type DownloadProgress,
  defaultCacheDir,
  type LoadPretrainedOptions,
  loadPretrained,
  type PretrainedModel,
} from './load-pretrained-node';
