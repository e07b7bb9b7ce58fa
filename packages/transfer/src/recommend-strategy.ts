import type { LayersModel } from '@tensorflow/tfjs-layers';
import { assertNumber, assertOneOf, assertPositiveInt, ConfigError } from '@trainkit/core';
import type { SimilarityResult } from './measure-similarity';

/** The four cases of the transfer-learning lecture (CS231n, "Transfer Learning"). */
export type TransferCase =
  | 'small-similar'
  | 'small-different'
  | 'large-similar'
  | 'large-different';

export type TransferStrategy =
  | 'linear-on-top-codes'
  | 'linear-on-earlier-codes'
  | 'fine-tune-all'
  | 'fine-tune-or-scratch';

export interface RecommendStrategyOptions {
  /** Labelled target examples per class. */
  targetSize: number;
  /**
   * `'similar'` / `'different'`, a score in [0, 1] compared with `similarityThreshold`, or the
   * result of `measureSimilarity` (its verdict and reasoning are used; for the small+different
   * case its best probed layer becomes the code layer).
   */
  similarity: 'similar' | 'different' | number | SimilarityResult;
  /** Below this many examples per class the dataset is "small". Default 300. */
  smallPerClass?: number;
  /** Scores at or above this are "similar". Default 0.5. */
  similarityThreshold?: number;
  /** When given, the plan names this model's layers. */
  model?: LayersModel;
  /**
   * Probe rule (needs a measured similarity): when a probed layer below the top codes beats the
   * top codes by at least `earlierMargin` and the raw-pixel probe by at least `pixelMargin`
   * (accuracy fractions), train on that layer's codes, case (b), whatever the data size.
   * Defaults 0.01 and 0.05; `earlierMargin: 1` turns the rule off.
   */
  earlierMargin?: number;
  pixelMargin?: number;
  /**
   * Budget rule: the epochs the training may take. Fine-tuning is only recommended with at least
   * `minFineTuneEpochs` (default 2); with fewer, the linear classifier on codes is planned instead.
   */
  epochs?: number;
  minFineTuneEpochs?: number;
}

export interface TransferPlan {
  case: TransferCase;
  strategy: TransferStrategy;
  /** Where to take codes / cut the network: `'top'` (before the classifier) or `'earlier'`. */
  featureLayer: 'top' | 'earlier';
  /** The layer name for `featureLayer`, when a model was given. */
  layerName?: string;
  /** Whether the pretrained body is frozen (feature extraction) or trained. */
  freezeBody: boolean;
  /** Body learning rate relative to the head (0 when frozen). */
  baseLrMultiplier: number;
  /** The lecture's reasoning, in words. */
  reason: string;
}

/**
 * The "earlier" layer for codes: among layers with spatial (rank-4) outputs, the one about two
 * thirds of the way up; generic enough features, still specific to the new data after a probe.
 */
export function earlierLayer(model: LayersModel): string {
  const spatial = model.layers.filter((l) => {
    const s = l.outputShape;
    return !Array.isArray(s[0]) && s.length === 4;
  });
  const pick = spatial[Math.max(0, Math.floor((spatial.length * 2) / 3) - 1)];
  return (pick ?? model.layers[Math.max(0, model.layers.length - 2)]!).name;
}

/**
 * Chooses between feature extraction and fine-tuning by the lecture's four cases: small+similar
 * -> linear classifier on top codes; small+different -> classifier on earlier-layer codes;
 * large+similar -> fine-tune all (base lr x0.1); large+different -> fine-tune from the
 * pretrained init (or train from scratch). Returns the case, a plan and the reason.
 *
 * @example recommendStrategy({ targetSize: 100, similarity: 'similar', model: doodlenet })
 * // { case: 'small-similar', strategy: 'linear-on-top-codes', layerName: 'dense', ... }
 */
export function recommendStrategy(options: RecommendStrategyOptions): TransferPlan {
  if (!options || typeof options !== 'object') {
    throw new ConfigError('options are required', {
      argument: 'options',
      expected: '{ targetSize, similarity }',
      received: options,
    });
  }
  const perClass = assertPositiveInt('options.targetSize', options.targetSize);
  const smallPerClass = assertPositiveInt('options.smallPerClass', options.smallPerClass ?? 300);
  const threshold = assertNumber(
    'options.similarityThreshold',
    options.similarityThreshold ?? 0.5,
    {
      min: 0,
      max: 1,
    },
  );
  let similar: boolean;
  const measured = isSimilarityResult(options.similarity) ? options.similarity : undefined;
  if (measured) {
    similar = measured.verdict === 'similar';
  } else if (typeof options.similarity === 'number') {
    similar =
      assertNumber('options.similarity', options.similarity, { min: 0, max: 1 }) >= threshold;
  } else {
    similar =
      assertOneOf('options.similarity', options.similarity, ['similar', 'different'] as const) ===
      'similar';
  }
  const small = perClass < smallPerClass;
  const sizeWords = `${perClass} examples per class (${small ? 'small' : 'large'}: threshold ${smallPerClass})`;
  const simWords = measured
    ? `measured similarity ${measured.score.toFixed(2)}: ${measured.reason.replace(/\.$/, '')}`
    : typeof options.similarity === 'number'
      ? `similarity ${options.similarity.toFixed(2)} (${similar ? '>=' : '<'} ${threshold})`
      : `data ${options.similarity} to the source`;
  const earlierMargin = assertNumber('options.earlierMargin', options.earlierMargin ?? 0.01, {
    min: 0,
  });
  const pixelMargin = assertNumber('options.pixelMargin', options.pixelMargin ?? 0.05, { min: 0 });
  const minEpochs = assertPositiveInt('options.minFineTuneEpochs', options.minFineTuneEpochs ?? 2);
  const epochs =
    options.epochs === undefined ? undefined : assertPositiveInt('options.epochs', options.epochs);
  const earlier = measured ? earlierWins(measured, earlierMargin, pixelMargin) : undefined;
  const shortBudget = epochs !== undefined && epochs < minEpochs;
  let plan: Omit<TransferPlan, 'layerName'>;
  if (earlier) {
    plan = {
      case: small ? 'small-different' : 'large-different',
      strategy: 'linear-on-earlier-codes',
      featureLayer: 'earlier',
      freezeBody: true,
      baseLrMultiplier: 0,
      reason: `${sizeWords}; the linear probe on ${earlier.layer} codes (${pct(earlier.accuracy)}) beats the top codes ${measured!.topLayer} (${pct(earlier.top)}) by ${pts(earlier.accuracy - earlier.top)} and the raw pixels (${pct(earlier.pixels)}) by ${pts(earlier.accuracy - earlier.pixels)}: the top layers are specialised to the source task while ${earlier.layer} still describes this data, so train a classifier on its codes, whatever the data size (probe rule: margins ${pts(earlierMargin)} over the top codes and ${pts(pixelMargin)} over pixels).`,
    };
  } else if (small && similar) {
    plan = {
      case: 'small-similar',
      strategy: 'linear-on-top-codes',
      featureLayer: 'top',
      freezeBody: true,
      baseLrMultiplier: 0,
      reason: `${sizeWords}, ${simWords}: too few labels to fine-tune without overfitting, and the top codes already describe this kind of data, so train a linear classifier on them.`,
    };
  } else if (small) {
    plan = {
      case: 'small-different',
      strategy: 'linear-on-earlier-codes',
      featureLayer: 'earlier',
      freezeBody: true,
      baseLrMultiplier: 0,
      reason: `${sizeWords}, ${simWords}: too few labels to fine-tune, and the top layers are specialised to the source classes, so train a classifier on more generic codes from an earlier layer.`,
    };
  } else if (similar) {
    plan = {
      case: 'large-similar',
      strategy: 'fine-tune-all',
      featureLayer: 'top',
      freezeBody: false,
      baseLrMultiplier: 0.1,
      reason: `${sizeWords}, ${simWords}: enough labels to fine-tune the whole network without overfitting; a 10x smaller learning rate keeps the good pretrained weights close.`,
    };
  } else {
    plan = {
      case: 'large-different',
      strategy: 'fine-tune-or-scratch',
      featureLayer: 'top',
      freezeBody: false,
      baseLrMultiplier: 1,
      reason: `${sizeWords}, ${simWords}: enough labels to train the whole network; pretrained weights are still a good initialisation, so fine-tune everything at the full learning rate (or train from scratch).`,
    };
  }
  if (shortBudget && !plan.freezeBody) {
    const top = similar;
    plan = {
      case: plan.case,
      strategy: top ? 'linear-on-top-codes' : 'linear-on-earlier-codes',
      featureLayer: top ? 'top' : 'earlier',
      freezeBody: true,
      baseLrMultiplier: 0,
      reason: `${plan.reason.replace(/\.$/, '')}; but only ${epochs} epoch${epochs === 1 ? '' : 's'} of training (fewer than ${minEpochs}): fine-tuning does not pay off in so short a budget, so train a linear classifier on the ${top ? 'top' : 'earlier'} codes instead.`,
    };
  }
  if (!options.model) return plan;
  const m = options.model;
  const probed = earlier?.layer ?? measured?.bestModelLayer;
  const layerName =
    plan.featureLayer === 'top'
      ? (measured?.topLayer ?? m.layers[Math.max(0, m.layers.length - 2)]!.name)
      : probed !== undefined && probed !== measured?.topLayer
        ? probed
        : earlierLayer(m);
  return { ...plan, layerName };
}

const pct = (a: number) => `${(a * 100).toFixed(1)}%`;
const pts = (d: number) => `${(d * 100).toFixed(1)} points`;

/** The best probed layer below the top codes when it beats both the top codes and the pixels. */
function earlierWins(
  r: SimilarityResult,
  earlierMargin: number,
  pixelMargin: number,
): { layer: string; accuracy: number; top: number; pixels: number } | undefined {
  const top = r.probes.find((p) => p.layer === r.topLayer);
  const pixels = r.probes.find((p) => p.depth === -1);
  if (!top || !pixels) return undefined;
  let best: (typeof r.probes)[number] | undefined;
  for (const p of r.probes) {
    if (p.depth >= 0 && p.depth < top.depth && (!best || p.accuracy > best.accuracy)) best = p;
  }
  if (!best) return undefined;
  if (
    best.accuracy - top.accuracy < earlierMargin ||
    best.accuracy - pixels.accuracy < pixelMargin
  ) {
    return undefined;
  }
  return { layer: best.layer, accuracy: best.accuracy, top: top.accuracy, pixels: pixels.accuracy };
}

function isSimilarityResult(v: unknown): v is SimilarityResult {
  return (
    typeof v === 'object' &&
    v !== null &&
    'verdict' in v &&
    'score' in v &&
    'probes' in v &&
    ((v as SimilarityResult).verdict === 'similar' ||
      (v as SimilarityResult).verdict === 'different')
  );
}
