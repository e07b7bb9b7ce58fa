import { diagnose } from './diagnose';
import type { MonitorRecord, StepRecord } from './records';
import { RunLog } from './records';
import type { Sink } from './sink';

const n = (x: number | undefined, digits = 4) =>
  x === undefined
    ? '-'
    : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e5
      ? x.toFixed(digits)
      : x.toExponential(2);

/**
 * Prints a compact line every `every` steps (loss, smoothed loss, learning rate, images/s),
 * one line per epoch with its logs, and at the end a summary with the diagnosis.
 * @example monitor({ sinks: [consoleSink({ every: 50 })] })
 */
export function consoleSink(
  options: { every?: number; log?: (line: string) => void; diagnose?: boolean } = {},
): Sink {
  const every = options.every ?? 50;
  const log = options.log ?? ((line: string) => console.log(line));
  const run = new RunLog();
  let smooth: number | undefined;
  return {
    write(r: MonitorRecord) {
      run.add(r);
      if (r.type === 'step') {
        const s = r as StepRecord;
        if (Number.isFinite(s.loss))
          smooth = smooth === undefined ? s.loss : 0.9 * smooth + 0.1 * s.loss;
        if (s.step % every === 0) {
          const parts = [
            `step ${s.step}`,
            `epoch ${s.epoch + 1}`,
            `loss ${n(s.loss)} (smoothed ${n(smooth)})`,
          ];
          if (s.learningRate !== undefined) parts.push(`lr ${n(s.learningRate, 5)}`);
          if (s.gradNorm !== undefined) parts.push(`|g| ${n(s.gradNorm, 3)}`);
          if (s.imagesPerSec !== undefined && Number.isFinite(s.imagesPerSec))
            parts.push(`${s.imagesPerSec.toFixed(0)} img/s`);
          log(parts.join(' | '));
        }
      } else if (r.type === 'epoch') {
        log(
          `epoch ${r.epoch + 1}: ${Object.entries(r.logs)
            .map(([k, v]) => `${k} ${n(v)}`)
            .join(', ')}`,
        );
      } else if (r.type === 'end') {
        log(
          `done at step ${r.step}${r.stopReason ? ` (stopped: ${r.stopReason})` : ''}: ${Object.entries(
            r.logs,
          )
            .map(([k, v]) => `${k} ${n(v)}`)
            .join(', ')}`,
        );
        if (options.diagnose !== false) {
          const findings = diagnose(run);
          if (findings.length === 0) log('diagnosis: nothing unusual in the curves');
          for (const f of findings) log(`diagnosis [${f.severity}] ${f.message} -> ${f.advice}`);
        }
      }
    },
  };
}
