import type { MonitorRecord, Summary } from './records';
import type { Sink } from './sink';
import { encodeEvent, type TbValue, tfRecord } from './tensorboard';

function base64ToBytes(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A TensorBoard histogram value from a summary's histogram (sum and sum of squares from mean/std). */
function histogramValue(tag: string, s: Summary): TbValue | undefined {
  if (!s.histogram) return undefined;
  const num = s.histogram.counts.reduce((a, b) => a + b, 0);
  return {
    tag,
    histogram: {
      ...s.histogram,
      min: s.min,
      max: s.max,
      num,
      sum: s.mean * num,
      sumSquares: (s.std ** 2 + s.mean ** 2) * num,
    },
  };
}

/** The TensorBoard summary values of one monitor record (none for begin records). */
export function recordToTbValues(
  r: MonitorRecord,
): { step: number; values: TbValue[] } | undefined {
  const scalars = (prefix: string, o: Record<string, number | undefined>) =>
    Object.entries(o)
      .filter(([, v]) => typeof v === 'number' && Number.isFinite(v))
      .map(([k, v]) => ({ tag: `${prefix}${k}`, scalar: v as number }));
  switch (r.type) {
    case 'step':
      return {
        step: r.step,
        values: scalars('train/', {
          loss: r.loss,
          learning_rate: r.learningRate,
          grad_norm: r.gradNorm,
          images_per_sec: r.imagesPerSec,
        }),
      };
    case 'epoch':
      return { step: r.step, values: scalars('epoch/', r.logs) };
    case 'layer': {
      const values: TbValue[] = scalars(`layers/${r.name}/`, {
        update_ratio: r.updateRatio,
        weight_norm: r.weightNorm,
        grad_norm: r.gradNorm,
      });
      for (const [kind, s] of [
        ['grads', r.grad],
        ['weights', r.weight],
      ] as const) {
        const h = s && histogramValue(`${kind}/${r.name}`, s);
        if (h) values.push(h);
      }
      return { step: r.step, values };
    }
    case 'activation': {
      const s = r.summary;
      const values: TbValue[] = scalars(`activations/${r.layer}/`, {
        mean: s.mean,
        std: s.std,
        zero_fraction: s.zeroFraction,
      });
      const h = histogramValue(`activations/${r.layer}`, s);
      if (h) values.push(h);
      return { step: r.step, values };
    }
    case 'filters':
      return {
        step: r.step,
        values: [
          {
            tag: `filters/${r.layer}`,
            image: { width: r.width, height: r.height, png: base64ToBytes(r.pngBase64) },
          },
        ],
      };
    case 'classification': {
      const values = scalars(`classification/${r.split}/`, {
        accuracy: r.accuracy,
        ...Object.fromEntries(
          (['macro', 'micro', 'weighted'] as const).flatMap((a) =>
            (['precision', 'recall', 'f1'] as const).map((k) => [`${k}_${a}`, r[a][k]]),
          ),
        ),
      });
      return { step: r.step ?? 0, values };
    }
    default:
      return undefined;
  }
}

/**
 * A sink writing TensorBoard event records through `append(bytes)` (the Node file sink in
 * `@trainkit/monitors/node` appends to `events.out.tfevents.*`). The first record is the
 * `brain.Event:2` file-version event TensorBoard expects.
 */
export function tensorboardSink(
  append: (bytes: Uint8Array) => void | Promise<void>,
  close?: () => void | Promise<void>,
): Sink {
  let started = false;
  return {
    async write(r) {
      if (!started) {
        started = true;
        await append(
          tfRecord(
            encodeEvent({ wallTime: Date.now() / 1000, step: 0, fileVersion: 'brain.Event:2' }),
          ),
        );
      }
      const ev = recordToTbValues(r);
      if (!ev || ev.values.length === 0) return;
      await append(
        tfRecord(encodeEvent({ wallTime: Date.now() / 1000, step: ev.step, values: ev.values })),
      );
    },
    ...(close ? { close } : {}),
  };
}
