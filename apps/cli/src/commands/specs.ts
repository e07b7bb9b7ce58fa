import type { CommandSpec, FlagSpec } from '../args';
import * as components from '../components';

// The component names come from ../components, shared with the demo (one name -> spec mapping).
export const ARCHITECTURES = components.ARCHITECTURES.names;
export const OPTIMIZERS = components.OPTIMIZERS.names;
export const SCHEDULES = components.SCHEDULES.names;
export const INITS = ['default', ...components.INITIALIZERS.names] as const;
export const AUGMENTATIONS = components.AUGMENTATIONS.names;
export const BACKENDS = ['auto', 'wasm', 'cpu', 'webgpu'] as const;

/** Dataset flags shared by train, pca and transfer. */
export const DATA_FLAGS: FlagSpec[] = [
  {
    name: 'dataset',
    type: 'string',
    default: 'embedded',
    help: 'embedded | fashion-mnist | digits | a folder of IDX or CIFAR-10 files, a CIFAR .bin or a .csv[.gz] file',
  },
  {
    name: 'data-dir',
    type: 'string',
    help: 'where to look first for the fashion-mnist files',
  },
  {
    name: 'csv-shape',
    type: 'json',
    json: 'shape',
    help: 'shape of one CSV example, e.g. [8,8,1] (default: flat)',
  },
  {
    name: 'limit',
    type: 'int',
    min: 1,
    help: 'use only the first n training examples (after a seeded shuffle)',
  },
  { name: 'test-limit', type: 'int', min: 1, help: 'use only the first n test examples' },
  {
    name: 'backend',
    type: BACKENDS,
    default: 'auto',
    help: 'tfjs backend (auto: fast wasm in Node)',
  },
  {
    name: 'seed',
    type: 'int',
    min: 0,
    max: 2147483647,
    default: 42,
    help: 'seed of shuffling, splits, init and augmentation',
  },
];

export const trainSpec: CommandSpec = {
  name: 'train',
  summary:
    'Train a CNN and write a run folder: config.json, metrics.jsonl, report.html, TensorBoard events, the model (tfjs layers format) and a resumable checkpoint. Ctrl-C stops after the current step and saves a checkpoint.',
  flags: [
    ...DATA_FLAGS,
    { name: 'arch', type: ARCHITECTURES, default: 'lenet5', help: 'architecture builder' },
    {
      name: 'arch-options',
      type: 'json',
      json: 'object',
      default: {},
      help: 'builder options as JSON, e.g. \'{"depth":20}\' (inputShape and numClasses come from the data; lenet5 gets variant modern unless given)',
    },
    {
      name: 'normalize',
      type: ['unit', 'symmetric', 'standardize'],
      default: 'unit',
      help: 'pixel normalisation: [0,1], [-1,1], or per-channel mean/std fitted on the training set',
    },
    {
      name: 'init',
      type: INITS,
      aliases: components.INITIALIZERS.aliases,
      default: 'default',
      help: "seeded @trainkit/init kernel initializer ('default': the builder's own, seeded)",
    },
    {
      name: 'batch-norm',
      type: 'boolean',
      help: 'batch normalization (vgg; the ResNets always have it)',
    },
    {
      name: 'dropout',
      type: 'number',
      min: 0,
      max: 0.95,
      help: 'dropout rate (alexnet, vgg, inceptionV1)',
    },
    { name: 'l1', type: 'number', min: 0, help: 'L1 penalty lambda on the kernels' },
    {
      name: 'l2',
      type: 'number',
      min: 0,
      help: 'L2 penalty lambda on the kernels (0.5 * lambda * ||w||^2)',
    },
    {
      name: 'max-norm',
      type: 'number',
      min: 0,
      exclusiveMin: true,
      help: 'max-norm constraint on each unit',
    },
    {
      name: 'augment',
      type: 'string',
      help: `comma-separated augmentations: ${AUGMENTATIONS.join(', ')}`,
    },
    {
      name: 'early-stopping',
      type: 'int',
      min: 1,
      help: 'stop when val_loss has not improved for this many epochs',
    },
    { name: 'optimizer', type: OPTIMIZERS, default: 'adam', help: 'optimizer' },
    {
      name: 'lr',
      type: 'number',
      min: 0,
      exclusiveMin: true,
      default: 0.002,
      help: 'learning rate',
    },
    {
      name: 'momentum',
      type: 'number',
      min: 0,
      max: 0.999,
      help: 'momentum (sgd, momentum, nesterov, rmsprop); default 0.9',
    },
    { name: 'weight-decay', type: 'number', min: 0, help: 'decoupled weight decay (adamw, sgd)' },
    {
      name: 'schedule',
      type: SCHEDULES,
      aliases: components.SCHEDULES.aliases,
      default: 'constant',
      help: 'learning-rate schedule over the run (inverse-time: lr / (1 + t), t in epochs; warmup-cosine: a tenth of the run linear warm-up unless --warmup)',
    },
    { name: 'warmup', type: 'int', min: 0, help: 'linear warm-up steps before the schedule' },
    {
      name: 'clip',
      type: 'number',
      min: 0,
      exclusiveMin: true,
      help: 'clip gradients by global norm',
    },
    {
      name: 'epochs',
      type: 'int',
      min: 1,
      default: 6,
      help: 'epochs in total (a resumed run counts those done)',
    },
    { name: 'batch-size', type: 'int', min: 1, default: 32, help: 'batch size' },
    {
      name: 'accumulate-steps',
      type: 'int',
      min: 1,
      default: 1,
      help: 'average the gradients of this many batches per update (an effective batch of batch-size x this, in the memory of one batch)',
    },
    {
      name: 'replicas',
      type: 'int',
      min: 1,
      help: "engines training in parallel, one worker thread each (default: the machine's cores, or TRAINKIT_REPLICAS); 1 trains on one engine",
      transient: true,
    },
    {
      name: 'validation',
      type: 'number',
      min: 0,
      max: 0.9,
      default: 0.1,
      help: 'fraction held out for validation (stratified)',
    },
    { name: 'out', type: 'string', help: 'run folder (default runs/<timestamp>)', transient: true },
    {
      name: 'resume',
      type: 'string',
      help: 'continue the run in this folder from its checkpoint',
      transient: true,
    },
  ],
  examples: [
    'trainkit train',
    'trainkit train --epochs 10 --optimizer sgd --lr 0.05 --schedule cosine --l2 5e-4 --augment crop,flip',
    'trainkit train --dataset ../shared/data/cifar10-subset --arch smallResnet --out runs/cifar',
    'trainkit train --config train.yaml --epochs 3',
    'trainkit train --resume runs/cifar --epochs 12',
  ],
};

export const pcaSpec: CommandSpec = {
  name: 'pca',
  summary:
    "Fit PCA (and optionally PCA/ZCA whitening) on a dataset's training images (pixels scaled to [0, 1]), print the explained variance, and save transform.json, spectrum.png and components.png.",
  flags: [
    ...DATA_FLAGS.filter((f) => f.name !== 'test-limit'),
    {
      name: 'components',
      type: 'number',
      min: 0,
      exclusiveMin: true,
      default: 50,
      help: 'components to keep: a count, or a fraction in (0, 1) of the variance to explain',
    },
    { name: 'whiten', type: ['none', 'pca', 'zca'], default: 'none', help: 'also fit whitening' },
    {
      name: 'epsilon',
      type: 'number',
      min: 0,
      default: 0.01,
      help: 'whitening eigenvalue guard (variance units)',
    },
    { name: 'out', type: 'string', help: 'output folder (default runs/pca-<timestamp>)' },
  ],
  examples: [
    'trainkit pca',
    'trainkit pca --dataset digits --components 0.95 --whiten zca --out runs/pca-digits',
  ],
};

export const transferSpec: CommandSpec = {
  name: 'transfer',
  summary:
    "Transfer a saved model (a model.json, its folder, a run folder, a registry name such as darknet-tiny, or a model.json URL) to a dataset (the named ones, IDX / CIFAR / CSV files, or a folder of JPEG / PNG / WebP images with one subfolder per class): 'features' trains a new linear head on frozen codes, 'finetune' trains everything with a smaller learning rate for the pretrained body, 'scratch' trains the same architecture from fresh weights, 'auto' asks the advisor (recommendStrategy) and prints its reasoning.",
  positionals: ['model'],
  flags: [
    ...DATA_FLAGS,
    {
      name: 'strategy',
      type: ['auto', 'features', 'finetune', 'scratch'],
      default: 'auto',
      help: 'how to transfer',
    },
    {
      name: 'similarity',
      type: 'string',
      help: "for auto: 'similar', 'different' or a score in [0, 1] (default: measured by linear probes when @trainkit/transfer has measureSimilarity, else 'similar')",
    },
    {
      name: 'layer',
      type: 'string',
      help: "cut the pretrained network after this layer (default: the advisor's, or the layer before the last)",
    },
    { name: 'epochs', type: 'int', min: 1, default: 3, help: 'epochs' },
    { name: 'batch-size', type: 'int', min: 1, default: 32, help: 'batch size' },
    {
      name: 'accumulate-steps',
      type: 'int',
      min: 1,
      default: 1,
      help: 'average the gradients of this many batches per update (an effective batch of batch-size x this, in the memory of one batch)',
    },
    {
      name: 'lr',
      type: 'number',
      min: 0,
      exclusiveMin: true,
      default: 0.001,
      help: 'learning rate of the new head',
    },
    {
      name: 'base-lr-multiplier',
      type: 'number',
      min: 0,
      help: "finetune: the body's learning rate relative to the head (default 0.1)",
    },
    { name: 'out', type: 'string', help: 'save the new model (model.json) and result.json here' },
    {
      name: 'test-split',
      type: 'number',
      min: 0,
      max: 0.9,
      exclusiveMin: true,
      default: 0.2,
      help: 'image folders: the share of each class held out for the test accuracy (seeded)',
    },
    {
      name: 'skip-corrupt',
      type: 'boolean',
      help: 'image folders: leave out files that cannot be decoded (and count them) instead of stopping',
    },
    {
      name: 'augment',
      type: 'boolean',
      help: 'image folders: train on random resized crops with horizontal flips (Inception recipe)',
    },
    {
      name: 'tta',
      type: ['none', 'ten-crop'],
      default: 'none',
      help: 'image folders: test-time augmentation (ten-crop: average over 4 corners + centre, and mirrored)',
    },
    {
      name: 'normalization',
      type: ['imagenet', 'minus-one-to-one', 'unit', 'raw'],
      help: "image folders: the model's input normalisation (default: the registry's, else unit = x / 255)",
    },
    {
      name: 'probe-size',
      type: 'int',
      min: 10,
      default: 300,
      help: 'image folders: training images decoded for the similarity probes',
    },
    {
      name: 'cache-dir',
      type: 'string',
      help: 'where registry models are cached (default $TRAINKIT_CACHE or ~/.cache/trainkit)',
    },
    {
      name: 'offline',
      type: 'boolean',
      help: 'registry models: use the cache only, never download',
    },
  ],
  examples: [
    'trainkit transfer darknet-tiny --dataset ./photos/ --out runs/photos',
    'trainkit transfer ../shared/models/darknet-tiny --dataset ./photos/ --strategy finetune --augment --tta ten-crop',
    'trainkit transfer runs/fashion/model --dataset digits',
    'trainkit transfer ../shared/models/doodlenet --dataset ../shared/data/mnist-test --strategy finetune --limit 2000',
  ],
};

export const summarySpec: CommandSpec = {
  name: 'summary',
  summary:
    'Print the layer table (output shapes, trainable / non-trainable parameters, FLOPs) of an architecture builder or of a saved model (a model.json or its folder, e.g. <run-dir>/model).',
  positionals: ['builder-or-path'],
  flags: [
    {
      name: 'arch-options',
      type: 'json',
      json: 'object',
      help: `builder options as JSON, e.g. '{"depth":50}' (builders: ${ARCHITECTURES.join(', ')})`,
    },
    { name: 'json', type: 'boolean', help: 'print the summary as JSON' },
  ],
  examples: [
    'trainkit summary lenet5',
    `trainkit summary resnet --arch-options '{"depth":50}'`,
    'trainkit summary runs/20261201-101500/model',
  ],
};

export const benchSpec: CommandSpec = {
  name: 'bench',
  summary:
    "Headline training speed on this machine: ms per SGD step and images/s of LeNet-5 (28x28x1) and the small ResNet (32x32x3), batch 64, with @trainkit/backend's kernels; beside PyTorch (the package's python/torch_bench.py) when python3-torch is found. The full suite is `pnpm bench`.",
  flags: [
    { name: 'backend', type: BACKENDS, default: 'auto', help: 'tfjs backend' },
    {
      name: 'steps',
      type: 'int',
      min: 1,
      help: 'timed steps per model after one warm-up step (default 5; 1 for the ResNet unless given)',
    },
    { name: 'batch-size', type: 'int', min: 1, default: 64, help: 'batch size' },
    {
      name: 'models',
      type: 'string',
      default: 'lenet,resnet',
      help: 'comma-separated: lenet, resnet',
    },
    {
      name: 'torch',
      type: 'boolean',
      default: true,
      help: 'also time PyTorch when available (--no-torch to skip)',
    },
  ],
  examples: ['trainkit bench', 'trainkit bench --models lenet --steps 20 --no-torch'],
};

export const reportSpec: CommandSpec = {
  name: 'report',
  summary:
    'Re-render the HTML report (and loss.png) of an existing run folder from its metrics.jsonl, and print its diagnosis.',
  positionals: ['run-dir'],
  flags: [
    {
      name: 'out',
      type: 'string',
      help: 'where to write the report (default <run-dir>/report.html)',
    },
    { name: 'title', type: 'string', help: 'report title (default: the run folder)' },
  ],
  examples: ['trainkit report runs/20261201-101500', 'trainkit report runs/a --out /tmp/a.html'],
};

export const diagnoseSpec: CommandSpec = {
  name: 'diagnose',
  summary:
    'Diagnose an existing run from its metrics.jsonl (learning rate, over/under-fitting, update/weight ratios, dead units, gradients, filters) and print each finding with its advice.',
  positionals: ['run-dir'],
  flags: [{ name: 'json', type: 'boolean', help: 'print the findings as JSON' }],
  examples: ['trainkit diagnose runs/20261201-101500', 'trainkit diagnose runs/a --json'],
};
