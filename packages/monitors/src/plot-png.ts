// The loss curve as PNG; the raster, the line plot and the encoder are @trainkit/plot's.
import { type Deflate, encodePng, linePlot, type PngImage } from '@trainkit/plot';
import type { RunLog } from './records';
import { ema } from './stats';

export { linePlot, type Series } from '@trainkit/plot';

/** An 8-bit RGBA image, row-major (what `linePlot` and `filterGrid` return). */
export type RgbaImage = PngImage;

/**
 * The loss curve (raw in light blue, smoothed in dark) as PNG bytes; `deflate` is any zlib
 * compressor (e.g. node:zlib's `deflateSync`), the built-in one when omitted.
 * @example writeFileSync('loss.png', lossCurvePng(run, deflateSync));
 */
export function lossCurvePng(run: RunLog, deflate?: Deflate): Uint8Array {
  const steps = run.steps;
  const smooth = ema(steps.map((s) => s.loss));
  return encodePng(
    linePlot([
      { name: 'loss', points: steps.map((s) => [s.step, s.loss]), color: [160, 190, 230] },
      { name: 'smoothed', points: steps.map((s, i) => [s.step, smooth[i]!]), color: [20, 60, 140] },
    ]),
    deflate ? { deflate } : {},
  );
}
