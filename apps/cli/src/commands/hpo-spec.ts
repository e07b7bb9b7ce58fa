import type { CommandSpec } from '../args';

export const HPO_SAMPLERS = [
  'tpe',
  'random',
  'grid',
  'gp',
  'cmaes',
  'genetic',
  'evolutionary',
] as const;
export const HPO_PRUNERS = ['none', 'median', 'asha', 'hyperband'] as const;

export const hpoSpec: CommandSpec = {
  name: 'hpo',
  summary:
    "Search `trainkit train`'s options: a study of trials, each a train run (run folder under <out>/trials/<n>), scored by the validation metric of its last epoch; the space, the fixed options and the budget from a config file; samplers and pruners by name; several worker processes sharing a journal file or PostgreSQL; resumable after a crash or kill; ends with the study report (best trial, parameter importances, report.html and PNG plots). --narrow-from starts a finer search around a finished study's best trials (coarse-to-fine).",
  flags: [
    {
      name: 'space',
      type: 'json',
      help: 'the searched train options: {"lr": {"type": "float", "low": 1e-4, "high": 0.1, "log": true}, "optimizer": ["sgd", "adam"], "batchSize": {"type": "int", "low": 16, "high": 64, "step": 16}} (a list is a categorical)',
    },
    {
      name: 'train',
      type: 'json',
      help: 'fixed train options of every trial, e.g. {"limit": 1000, "epochs": 4} (any trainkit train flag but --out/--resume)',
    },
    {
      name: 'metric',
      type: ['val_acc', 'val_loss'],
      help: "objective: the last epoch's validation accuracy (maximized) or loss (minimized); default val_acc",
    },
    {
      name: 'trials',
      type: 'int',
      min: 1,
      help: "budget: trials in the study (a resumed study reruns its failed ones); default: the grid's size for grid, else 20",
    },
    {
      name: 'timeout',
      type: 'number',
      min: 0,
      exclusiveMin: true,
      help: 'seconds after which the workers start no new trial',
    },
    {
      name: 'sampler',
      type: HPO_SAMPLERS,
      help: 'how trials are chosen (default tpe; evolutionary = genetic)',
    },
    {
      name: 'sampler-options',
      type: 'json',
      help: 'options of the sampler, e.g. {"nStartupTrials": 5} (tpe), {"populationSize": 8} (genetic)',
    },
    {
      name: 'pruner',
      type: HPO_PRUNERS,
      help: 'early stopping of bad trials after each epoch (default median)',
    },
    {
      name: 'pruner-options',
      type: 'json',
      help: 'options of the pruner, e.g. {"minResource": 1, "reductionFactor": 3} (asha)',
    },
    {
      name: 'grid-points',
      type: 'int',
      min: 1,
      help: 'grid sampler: values per numeric range (log-spaced for log ranges); default 3',
    },
    {
      name: 'storage',
      type: 'string',
      help: 'a journal file (default <out>/study.jsonl) or postgresql://user@host/db (password from PGPASSWORD or ~/.pgpass: it is not saved)',
    },
    {
      name: 'study',
      type: 'string',
      help: "the study's name in the storage (default: the folder's name)",
    },
    {
      name: 'workers',
      type: 'int',
      min: 1,
      help: 'worker processes, each training its own trials (default 1)',
    },
    {
      name: 'seed',
      type: 'int',
      min: 0,
      help: "seed of the sampler and of the workers' seeds (default 0)",
    },
    {
      name: 'stale-after',
      type: 'number',
      min: 1,
      help: 'PostgreSQL: seconds without heartbeat after which a running trial counts as dead (default 120)',
    },
    {
      name: 'narrow-from',
      type: 'string',
      help: "coarse-to-fine: search a space narrowed around the best trials of this finished study's folder (its train options, metric, pruner and workers unless given)",
    },
    {
      name: 'narrow-top',
      type: 'number',
      min: 0,
      exclusiveMin: true,
      help: 'with --narrow-from: the best trials to narrow around, a count or a fraction (default 20%, at least 3)',
    },
    {
      name: 'out',
      type: 'string',
      help: 'study folder (default runs/hpo-<timestamp>)',
      transient: true,
    },
    {
      name: 'resume',
      type: 'string',
      help: 'continue the study in this folder (after a crash, a kill or to raise --trials)',
      transient: true,
    },
  ],
  examples: [
    'trainkit hpo --config study.yaml --workers 2 --out runs/hpo-coarse',
    'trainkit hpo --resume runs/hpo-coarse --trials 30',
    'trainkit hpo --narrow-from runs/hpo-coarse --sampler grid --grid-points 3 --out runs/hpo-fine',
    'trainkit hpo --config study.yaml --storage postgresql://hpo@db-host/hpo --workers 4',
  ],
};
