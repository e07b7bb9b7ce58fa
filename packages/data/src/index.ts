// @trainkit/data: IDX / CIFAR-10 binary / CSV readers, Dataset (seeded shuffle, split, batches),
// one-hot and pixel normalisation. Browser-safe; Node-only loaders are in '@trainkit/data/node'.
export { averageViews } from './average-views';
export { CIFAR10_CLASSES, parseCifar10 } from './cifar10';
export { FASHION_MNIST_CLASSES } from './class-names';
export {
  type CrossValidationOptions,
  crossValidationSplits,
} from './cross-validation-splits';
export { type CsvOptions, parseCsv } from './csv';
export { type Batch, type BatchOptions, Dataset, type DatasetInit, type Examples } from './dataset';
export { gunzip, isGzip, maybeGunzip } from './gunzip';
export { type IdxArray, type IdxDType, parseIdx, readIdx } from './idx';
export { datasetFromIdx } from './idx-dataset';
export {
  type ImageBatch,
  type ImageBatchOptions,
  type ImageDecoder,
  type ImageEntry,
  ImageFolder,
  type ImageFolderInit,
  type SkippedImage,
} from './image-folder';
export {
  type BrowserImageSource,
  canvasDecoder,
  type ImageFolderFromFilesOptions,
  imageFolderFromFiles,
  imageFolderFromUrls,
} from './image-folder-browser';
export {
  type CropBox,
  centerBox,
  type ImageOp,
  type ImageRecipe,
  type Interpolation,
  roundHalfEven,
  shorterSideSize,
} from './image-recipe';
export {
  IMAGENET_MEAN,
  IMAGENET_STD,
  type InputNormalizationName,
  inputNormalization,
} from './input-normalization';
export { type Fold, type KFoldOptions, kFold } from './k-fold';
export { oneHot } from './one-hot';
export {
  fitPixelNormalization,
  type PixelNormalization,
  type PixelNormalizationOptions,
  pixelNormalization,
  pixelNormalizationFromJSON,
  registerDataKinds,
} from './pixel-normalization';
export {
  type RandomResizedCropOptions,
  randomResizedCrop,
  sampleResizedCropBox,
} from './random-resized-crop';
export { type ResizeCenterCropOptions, resizeCenterCrop } from './resize-center-crop';
export { type ResizeImageOptions, resizeImage } from './resize-image';
export { type SplitOptions, type Splits, splitDataset, splitIndices } from './split';
export { type StratifiedKFoldOptions, stratifiedKFold } from './stratified-k-fold';
export { type TarEntry, untar } from './tar';
export { type TenCropOptions, tenCrop } from './ten-crop';
