import type { CommandSpec } from '../args';
import { DATA_FLAGS, trainSpec } from './specs';

const FROM_TRAIN = [
  'arch',
  'arch-options',
  'normalize',
  'init',
  'batch-norm',
  'dropout',
  'l1',
  'l2',
  'max-norm',
  'optimizer',
  'momentum',
  'weight-decay',
  'clip',
  'batch-size',
  'validation',
];

export const lrFindSpec: CommandSpec = {
  name: 'lr-find',
  summary:
    "Learning-rate range test (Smith 2017; fastai's lr_find): trains the model `trainkit train` would build for --steps batches while the rate grows exponentially from --min-lr to --max-lr, on the training part only (after the validation split, with normalisation statistics from it), stops when the loss diverges, and prints the suggested rate (a tenth of the rate at the smoothed loss's minimum) and the steepest descent; writes lr-find.json, lr-find.png and lr-find.html. The model's weights are not kept.",
  flags: [
    ...DATA_FLAGS,
    ...trainSpec.flags.filter((f) => FROM_TRAIN.includes(f.name)),
    {
      name: 'min-lr',
      type: 'number',
      min: 0,
      exclusiveMin: true,
      default: 1e-7,
      help: 'first rate of the sweep',
    },
    {
      name: 'max-lr',
      type: 'number',
      min: 0,
      exclusiveMin: true,
      default: 10,
      help: 'last rate of the sweep',
    },
    {
      name: 'steps',
      type: 'int',
      min: 3,
      default: 100,
      help: 'batches of the sweep (rates evenly spaced in log space)',
    },
    {
      name: 'smoothing',
      type: 'number',
      min: 0,
      max: 0.999,
      default: 0.95,
      help: 'factor of the moving average of the loss (bias-corrected)',
    },
    {
      name: 'divergence',
      type: 'number',
      min: 1,
      exclusiveMin: true,
      default: 4,
      help: 'stop once the smoothed loss exceeds this many times its minimum',
    },
    { name: 'out', type: 'string', help: 'output folder (default runs/lr-find-<timestamp>)' },
  ],
  examples: [
    'trainkit lr-find',
    'trainkit lr-find --optimizer sgd --momentum 0.9 --steps 200 --out runs/lr-sgd',
    'trainkit lr-find --dataset ../shared/data/cifar10-subset --arch smallResnet --min-lr 1e-5 --max-lr 1',
  ],
};
