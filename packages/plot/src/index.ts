// @trainkit/plot: PNG encoding, a small raster (lines, points, text, heat maps) and colour maps,
// in Node and browsers; what @trainkit/monitors and @trainkit/hpo draw their images with.
export { toBase64 } from './base64';
export { Canvas, type CanvasOptions, type HeatmapOptions } from './canvas';
export { crc32, reflectedCrc32 } from './checksums';
export {
  type Colormap,
  cssRgb,
  grey,
  linearColormap,
  type Rgb,
  TAB10,
  viridis,
} from './colormaps';
export { textWidth } from './font';
export { type LinePlotOptions, linePlot, type Series } from './line-plot';
export { encodePng, type PngImage, type PngOptions } from './png';
export { type Deflate, zlibFixed, zlibStored } from './zlib';
