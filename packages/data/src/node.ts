// @trainkit/data/node: the Node-only parts (files, gunzip of files, downloads, embedded assets).
export { type Cifar10Options, cifar10 } from './cifar10-node';
export { type DownloadOptions, downloadFile, sha256Hex } from './download-node';
export { digits, embeddedFashionMnist } from './embedded-node';
export {
  FASHION_MNIST_CLASSES,
  fashionMnist,
  type IdxDatasetOptions,
  mnist,
  mnistTest,
  type TrainTest,
} from './idx-datasets-node';
export { type SharpDecoderOptions, sharpDecoder } from './image-decoder-node';
export { IMAGE_EXTENSIONS, type ImageFolderOptions, imageFolder } from './image-folder-node';
export { readCifar10File, readCsvFile, readFileBytes, readIdxFile } from './read-file-node';
export { type ImagePixels, saveImage } from './save-image-node';
