/** A histogram: `counts[i]` values fell in `[edges[i], edges[i + 1])` (the last bin is closed). */
export interface Histogram {
  edges: number[];
  counts: number[];
}

/** Summary statistics of one tensor's values. */
export interface Summary {
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Fraction of exact zeros (dead ReLU outputs, pruned weights). */
  zeroFraction: number;
  histogram?: Histogram;
}

export interface BeginRecord {
  type: 'begin';
  time: number;
  epochs: number;
  stepsPerEpoch?: number;
  initialStep: number;
  params: { name: string; shape: number[] }[];
}
/** One training step (recorded at every step; values read in batches at the interval). */
export interface StepRecord {
  type: 'step';
  step: number;
  epoch: number;
  loss: number;
  learningRate?: number;
  /** Global L2 norm of the gradients (at interval steps). */
  gradNorm?: number;
  stepTimeMs?: number;
  imagesPerSec?: number;
}
/** Per-parameter statistics at an interval step. */
export interface LayerRecord {
  type: 'layer';
  step: number;
  /** Parameter name (`conv2d_1/kernel`). */
  name: string;
  /** Position of the parameter in the model (0 = closest to the input). */
  depth: number;
  weightNorm: number;
  updateNorm?: number;
  /** ||update|| / ||weight||: about 1e-3 is healthy (CS231n). */
  updateRatio?: number;
  gradNorm?: number;
  grad?: Summary;
  weight?: Summary;
}
/** Activation statistics of one layer on the probe batch. */
export interface ActivationRecord {
  type: 'activation';
  step: number;
  layer: string;
  depth: number;
  summary: Summary;
}
/** First-layer filters rendered as an image grid (PNG, base64). */
export interface FiltersRecord {
  type: 'filters';
  step: number;
  layer: string;
  width: number;
  height: number;
  pngBase64: string;
  /** High-frequency energy ratio of the filters (2 for white noise, near 0 for smooth filters). */
  roughness: number;
}
export interface EpochRecord {
  type: 'epoch';
  epoch: number;
  step: number;
  logs: Record<string, number>;
}
export interface EndRecord {
  type: 'end';
  time: number;
  epoch: number;
  step: number;
  logs: Record<string, number>;
  stopReason?: string;
}

/** Precision, recall and F1 (one class or one average). */
export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}
/**
 * A classification report of one evaluation (the shape of `@trainkit/train`'s
 * `ClassificationReport`): confusion matrix (row = true class, column = predicted), per-class
 * and macro/micro/weighted precision, recall and F1.
 */
export interface ClassificationRecord {
  type: 'classification';
  /** Which data was evaluated: `'validation'`, `'test'`, ... */
  split: string;
  step?: number;
  epoch?: number;
  labels: string[];
  confusionMatrix: number[][];
  perClass: (PrecisionRecallF1 & { label: string; support: number })[];
  macro: PrecisionRecallF1;
  micro: PrecisionRecallF1;
  weighted: PrecisionRecallF1;
  accuracy: number;
  support: number;
}

export type MonitorRecord =
  | BeginRecord
  | ClassificationRecord
  | StepRecord
  | LayerRecord
  | ActivationRecord
  | FiltersRecord
  | EpochRecord
  | EndRecord;

/**
 * A recorded training run: the records in arrival order, with typed views. Built by
 * {@link monitor} as training runs, or read back from JSONL with {@link parseJsonl}.
 */
export class RunLog {
  readonly records: MonitorRecord[] = [];

  constructor(records: Iterable<MonitorRecord> = []) {
    for (const r of records) this.records.push(r);
  }

  add(r: MonitorRecord): void {
    this.records.push(r);
  }

  private of<T extends MonitorRecord['type']>(type: T): Extract<MonitorRecord, { type: T }>[] {
    return this.records.filter((r) => r.type === type) as Extract<MonitorRecord, { type: T }>[];
  }

  get steps(): StepRecord[] {
    return this.of('step').sort((a, b) => a.step - b.step);
  }
  get epochs(): EpochRecord[] {
    return this.of('epoch');
  }
  get layers(): LayerRecord[] {
    return this.of('layer');
  }
  get activations(): ActivationRecord[] {
    return this.of('activation');
  }
  get filters(): FiltersRecord[] {
    return this.of('filters');
  }
  /** Classification reports in arrival order (see `classificationRecord`). */
  get classifications(): ClassificationRecord[] {
    return this.of('classification');
  }
  get begin(): BeginRecord | undefined {
    return this.of('begin')[0];
  }
  get end(): EndRecord | undefined {
    return this.of('end').at(-1);
  }
  /** Parameter names in model order. */
  get layerNames(): string[] {
    const seen = new Map<string, number>();
    for (const r of this.layers) if (!seen.has(r.name)) seen.set(r.name, r.depth);
    return [...seen.entries()].sort((a, b) => a[1] - b[1]).map(([n]) => n);
  }
  /** Values of a metric per epoch (`loss`, `acc`, `val_acc`, ...). */
  epochSeries(metric: string): { epoch: number; value: number }[] {
    return this.epochs
      .filter((e) => typeof e.logs[metric] === 'number')
      .map((e) => ({ epoch: e.epoch, value: e.logs[metric]! }));
  }
}
