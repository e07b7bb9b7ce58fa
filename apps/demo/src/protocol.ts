// Messages between the page (main thread) and the training worker. Plain data only: typed arrays
// travel as transferables, tensors never cross.
import {
  INITIALIZERS,
  OPTIMIZERS as OPTIMIZER_CHOICES,
  SCHEDULES as SCHEDULE_CHOICES,
} from '@trainkit/cli/components';
import type { BackendInfo } from '@trainkit/core';
import type { MonitorRecord } from '@trainkit/monitors';
import type { LayerInfo, TransferPlan } from '@trainkit/transfer';

/** A dataset as the page hands it over: uint8 pixels NHWC and integer labels. */
export interface DataPart {
  x: Uint8Array;
  y: Int32Array;
}
export interface DatasetMessage {
  train: DataPart;
  /** Held-out examples (validation, confusion matrix); split off `train` when absent. */
  test?: DataPart;
  shape: [number, number, number];
  numClasses: number;
  classNames: string[];
  name: string;
}

/**
 * The page's models: its own small CNN, and two @trainkit/architectures builders (`resnet` is the
 * registry's `smallResnet` with the page's dropout + dense head).
 */
export const ARCHITECTURES = ['cnn', 'lenet5', 'resnet'] as const;
/** The registry builder behind each page architecture (the CNN is the page's own). */
export const ARCHITECTURE_BUILDERS = { lenet5: 'lenet5', resnet: 'smallResnet' } as const;
// The other choices are the CLI's, by the same names (one name -> { kind, ... } spec mapping).
export const INITS = ['default', ...INITIALIZERS.names] as const;
export const OPTIMIZERS = OPTIMIZER_CHOICES.names;
export const SCHEDULES = SCHEDULE_CHOICES.names;

export interface TrainConfig {
  architecture: (typeof ARCHITECTURES)[number];
  /**
   * `default` (the builder's own) or one of {@link INITS}, or an alias of one (`small` =
   * `smallRandom`); checked when the model is built.
   */
  init: string;
  batchNorm: boolean;
  /** L2 strength (half convention: gradient lambda * w); 0 = off. */
  l2: number;
  /** Dropout rate before the classifier; 0 = off. */
  dropout: number;
  /** Random translations of up to 10% (on-the-fly augmentation). */
  augment: boolean;
  /** Early stopping patience in epochs on val_loss (restoring the best weights); 0 = off. */
  patience: number;
  optimizer: (typeof OPTIMIZERS)[number];
  learningRate: number;
  schedule: (typeof SCHEDULES)[number];
  epochs: number;
  batchSize: number;
  /** Training examples used (the first n after a seeded shuffle). */
  trainSize: number;
  /** Validation examples used. */
  valSize: number;
  seed: number;
  /** Per-layer statistics (norms, update/weight ratio, histograms) every this many steps. */
  every: number;
}

export interface TransferConfig {
  /** Keep the pretrained model up to this layer (its output feeds the new head). */
  cutLayer: string;
  /** Freeze the pretrained layers up to this one (inclusive); null = none. */
  freezeUpTo: string | null;
  learningRate: number;
  epochs: number;
  batchSize: number;
  trainSize: number;
  valSize: number;
}

export interface ModelFiles {
  /** model.json text. */
  json: string;
  /** Weight files by the name model.json's manifest uses. */
  weights: { name: string; data: ArrayBuffer }[];
}

export type ToWorker =
  | { type: 'init'; backend: string; wasmBase: string }
  | { type: 'dataset'; dataset: DatasetMessage }
  | { type: 'train'; config: TrainConfig }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'save' }
  | { type: 'reload'; files: ModelFiles }
  | { type: 'transfer-load'; files: ModelFiles }
  | { type: 'transfer-train'; config: TransferConfig };

export type RunState = 'idle' | 'training' | 'paused' | 'stopping' | 'done';

export interface Evaluation {
  accuracy: number;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  /** Indices into the evaluated part (validation) with true and predicted labels. */
  misclassified: { index: number; label: number; predicted: number; pixels?: number[] }[];
  count: number;
}

export type FromWorker =
  | { type: 'backend'; info: BackendInfo; adapter?: string }
  | { type: 'dataset-ready'; trainSize: number; valSize: number }
  | {
      type: 'model';
      name: string;
      params: number;
      layers: { name: string; className: string; outputShape: string }[];
    }
  | { type: 'record'; record: MonitorRecord }
  | {
      type: 'state';
      state: RunState;
      step?: number;
      reason?: string;
      /** Live tensors in the worker at the end of a run (a leak shows as growth between runs). */
      tensors?: number;
    }
  | { type: 'evaluation'; evaluation: Evaluation; source: 'trained' | 'reloaded' | 'transfer' }
  | { type: 'saved'; files: ModelFiles }
  | {
      type: 'transfer-model';
      layers: LayerInfo[];
      plan: TransferPlan;
      inputShape: (number | null)[];
    }
  | { type: 'error'; context: string; message: string; code?: string };
