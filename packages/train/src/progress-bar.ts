import { assertNumber, type Logs, type TrainingListener } from '@trainkit/core';

/** Where the bar is drawn: `process.stdout` by default. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export interface ProgressBarOptions {
  /** Default `process.stdout` (absent in browsers: the bar is off). */
  stream?: ProgressStream;
  /** Redraw at most this often; the loss is read back only on a redraw. Default 200 ms. */
  minIntervalMs?: number;
  /** Bar width in characters. Default 24. */
  width?: number;
  /** Draw even when the stream is not a TTY or `CI` is set (tests). Default false. */
  force?: boolean;
}

function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join('  ');
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

/**
 * A terminal progress bar listener: `epoch 2/10 [=====>     ] 120/469 loss 0.4123 acc 0.8750 ETA 12s`,
 * then one line of epoch logs per epoch. Off unless the stream is a TTY and `CI` is unset.
 * The step loss is read back (asynchronously) only when the bar is redrawn.
 *
 * @example
 * await fit(model, data, { ..., progress: false, listeners: [progressBar({ minIntervalMs: 500 })] });
 */
export function progressBar(options: ProgressBarOptions = {}): TrainingListener {
  const g = globalThis as {
    process?: { stdout?: ProgressStream; env?: Record<string, string | undefined> };
  };
  const stream = options.stream ?? g.process?.stdout;
  const minInterval = assertNumber('minIntervalMs', options.minIntervalMs ?? 200, { min: 0 });
  const width = assertNumber('width', options.width ?? 24, { min: 1, integer: true });
  const on =
    stream !== undefined &&
    (options.force === true || (stream.isTTY === true && !g.process?.env?.CI));
  let epochs = 0;
  let steps: number | undefined;
  let last = -Infinity;
  let epochStart = 0;
  if (!on) return {};
  return {
    onTrainBegin(e) {
      epochs = e.epochs;
      steps = e.stepsPerEpoch;
    },
    onEpochBegin() {
      epochStart = performance.now();
      last = -Infinity;
    },
    async onBatchEnd(e) {
      const now = performance.now();
      if (now - last < minInterval) return;
      last = now;
      const loss = (await e.loss.data())[0] as number;
      const extra: string[] = [`loss ${loss.toFixed(4)}`];
      if (e.metrics?.acc)
        extra.push(`acc ${((await e.metrics.acc.data())[0] as number).toFixed(4)}`);
      const done = e.batch + 1;
      let bar = '';
      let eta = '';
      if (steps !== undefined) {
        const filled = Math.min(width, Math.round((done / steps) * width));
        bar = ` [${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}] ${done}/${steps}`;
        eta = ` ETA ${formatSeconds((((now - epochStart) / done) * (steps - done)) / 1000)}`;
      } else bar = ` ${done}`;
      stream.write(`\repoch ${e.epoch + 1}/${epochs}${bar} ${extra.join(' ')}${eta}\x1b[K`);
    },
    onEpochEnd(e) {
      const secs = (performance.now() - epochStart) / 1000;
      stream.write(
        `\repoch ${e.epoch + 1}/${epochs} ${formatSeconds(secs)}  ${formatLogs(e.logs)}\x1b[K\n`,
      );
    },
  };
}
