import type { MonitorRecord } from './records';

/** Where records go: console, JSONL file, TensorBoard, a live chart... */
export interface Sink {
  write(record: MonitorRecord): void | Promise<void>;
  /** Writes out what is buffered (e.g. before a checkpoint), keeping the sink open. */
  flush?(): void | Promise<void>;
  /** Flush and release; called once at the end of training. */
  close?(): void | Promise<void>;
}
