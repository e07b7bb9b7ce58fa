import { ConfigError } from '@trainkit/core';

/** One file of a pretrained model, relative to its `model.json`, with its SHA-256 (lowercase hex). */
export interface PretrainedFile {
  path: string;
  sha256: string;
}

/**
 * A pretrained tfjs-layers network that `loadPretrained` can fetch by name: where it lives, how
 * its inputs were prepared in training, and its licence.
 */
export interface PretrainedInfo {
  /** Registry name (`darknet-tiny`). */
  name: string;
  /** URL of `model.json`; the weight shards sit beside it. */
  url: string;
  /** Every file with its SHA-256: `model.json` first, then the shards of its manifest. */
  files: readonly PretrainedFile[];
  /** Input `[height, width, channels]`. */
  inputSize: readonly [number, number, number];
  /** Pixel normalisation the network was trained with (`@trainkit/data` `inputNormalization`). */
  normalization: 'imagenet' | 'minus-one-to-one' | 'unit' | 'raw';
  /** How images were brought to `inputSize`: a stretch, or resize-shorter-side + centre crop. */
  resize: 'stretch' | 'center-crop';
  /** The layer of the top codes (before the classifier), when it is not the layer before the last. */
  topLayer?: string;
  /** What it was trained on and predicts. */
  dataset: string;
  numClasses: number;
  licence: string;
  /** Where it comes from, in words (authors, repository). */
  source: string;
}

const DARKNET_TINY_BASE =
  'https://raw.githubusercontent.com/ml5js/ml5-data-and-models/e77bfb7484bb37babeaba4d1fbf8ea119f14cee6/models/darknetclassifier/darknettiny/';

// SHA-256 of the files as published (commit pinned in the URL, so they cannot change under it).
const DARKNET_TINY_SHARDS: readonly string[] = [
  '1a95595a3f6c497f27747d40276649a10988d0808a121ddfb3f6b368133f44c5',
  '8226135041fbafc7c3a838d0673badb8d3e4211a4d550781951d15a09445ea47',
  '3a465f4bbcbcd7721caa77b704829cfe20eadab670a8d91a352e76e4cfca1a02',
  '3e661974c4740795f3ca9b882ae80dc3521951dac2b262ac054329f17aaefb10',
  '5f1fa7779fe01d2b06ea3804f84e5cf6a25688dc458617a9f35a1018356abcbf',
  'e054b14e9e866da448ab351f04d3920ae216032b3df680396163a77b8925a009',
  '2aed907302664d64b85669a293c8f5a492521b4d025b9b3a19943f951a7e32df',
  '99e0418ac61cd6093df0bb4a5a67750ec0b0fbb8edb2125c0cfda67e3cb3f1a4',
  '4fb47f3aa4f19f7fabd7d4271cf81e8af7735fcfc89bf4b9174f379bb60b129d',
  '2afc82f4d423cb8272e4089b69c5dba2755eea8499935b4f0020e27b5d559557',
  '8957dc1caa88193522d8071f6ac3171634818bb50223b1e98ace21f010b414cc',
  'bced27a16699c0eca4ee4d15c4e5fac46532a6f2850b53445818c0e2e69af7b1',
  '5e6172c6d71505fce1a9388e733aaddf21f6ab14f9ccaf10d2986a94b8f19b42',
  'adfb4ad19dea5c1ba0c9b7e7d90f6265aac136a7d98e0f0eed4362d62e5e51f8',
  '79131184270263a2c585240efbfdd3ed13fc005c67b761ced984c70265209511',
  'd70b0b9f3db3d51bd5613246885f4723998aef2e56845c7dec75743221f1ef5e',
  '3dad37a465ab881c2d2006072cd60d83144d04a5c5448f49e15308472bbb145a',
  'c7a7f19a7a9e3a780bd1aedfe30a7e594821ea8d57d6e72d148c033b0f24f5fa',
  '4f16fe423091d9b32d59bff14cd19f1a6a233bc98adade4a1e0ef0d2972752b5',
  '1efd0b489da0d04808a02175c2803528313f7e9abadb18a5dc3ae0b5bd5c0331',
  '9d024d14a803a3b078df0e9829bcc13a8901c3a6043456632ce5697be5734155',
  '0c18a3238859e649bac990e90dc4738861ffd07e9bee725139bec9ef3b8545ef',
  '2116862cb9cd43b21a3bfa3ea41e43dbe33284a97a8a22c5afe8d768f5a767af',
  '35c4204cee6796300f50addf2a2202a137eaa8a42999a79168f9226f60c8a62b',
  '9a37816bda07b3be24b88103a11dcc5d3eea15749a15594492b03ba3177a6a5e',
  '697677a6c94bd84fb0b558421629b5424101c4ea16601be53096275f43891f6c',
  'ef48b33bcf06fed0a9cc8b41017bccbf4f32fceeae946c00e0fd130fc467f9e4',
  '2831d9d4368b4cad678f9a3df4c9575bc35e1c2a7ef6ebed887c02c06a4f6dab',
  '720e58d7e54901e8db21d698fc094ffcb65a5991397895fef827ce53094b2a15',
  'a68c7913477828b28c2fe1924b191139877f7825e5f1a2e1c1b0e0e92accc669',
  '7985bd42bc5c0333e563998ad6d4616b0afaf1765f2b8c4c6df3944cf8f13992',
];

const registry = new Map<string, PretrainedInfo>();

/**
 * Adds (or replaces) a model in the registry `loadPretrained` reads, e.g. a network your
 * organisation publishes. Validates the entry.
 *
 * @example
 * registerPretrained({ name: 'our-net', url: 'https://models.example.com/our-net/model.json',
 *   files: [{ path: 'model.json', sha256: '...' }, { path: 'group1-shard1of1.bin', sha256: '...' }],
 *   inputSize: [224, 224, 3], normalization: 'imagenet', resize: 'center-crop',
 *   dataset: 'ImageNet-1k', numClasses: 1000, licence: 'Apache-2.0', source: 'us' });
 */
export function registerPretrained(info: PretrainedInfo): void {
  if (typeof info?.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(info.name)) {
    throw new ConfigError('a registry name is lowercase letters, digits, . _ -', {
      argument: 'name',
      received: info?.name,
    });
  }
  if (typeof info.url !== 'string' || !/^https?:\/\/.+\/model\.json$/.test(info.url)) {
    throw new ConfigError('the URL must point at a model.json over http(s)', {
      argument: 'url',
      received: info.url,
    });
  }
  if (!Array.isArray(info.files) || info.files[0]?.path !== 'model.json') {
    throw new ConfigError('files must list model.json first, then the weight shards', {
      argument: 'files',
      received: info.files,
    });
  }
  for (const f of info.files) {
    if (!/^[0-9a-f]{64}$/.test(f.sha256) || f.path.includes('..') || f.path.startsWith('/')) {
      throw new ConfigError('each file needs a relative path and a 64-hex SHA-256', {
        argument: 'files',
        received: f,
      });
    }
  }
  registry.set(info.name, { ...info, files: info.files.map((f) => ({ ...f })) });
}

/** The registered pretrained networks, by name. */
export function pretrainedModels(): PretrainedInfo[] {
  ensureBuiltIns();
  return [...registry.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** A registered network by name, or `undefined`. */
export function findPretrained(name: string): PretrainedInfo | undefined {
  ensureBuiltIns();
  return registry.get(name);
}

let builtIns = false;
function ensureBuiltIns(): void {
  if (builtIns) return;
  builtIns = true;
  registerPretrained({
    name: 'darknet-tiny',
    url: `${DARKNET_TINY_BASE}model.json`,
    files: [
      {
        path: 'model.json',
        sha256: '5a5ee1ddb33ac7948b303197f4c63f72a80fc00a7d2870d30843004ddd5b4b51',
      },
      ...DARKNET_TINY_SHARDS.map((sha256, i) => ({ path: `group${i + 1}-shard1of1`, sha256 })),
    ],
    inputSize: [224, 224, 3],
    normalization: 'unit',
    resize: 'stretch',
    // conv2d_16 + global pooling are the 1,000-way classifier
    topLayer: 'leaky_re_lu_15',
    dataset: 'ImageNet-1k (ILSVRC 2012)',
    numClasses: 1000,
    licence: 'MIT (ml5.js conversion); Darknet by J. Redmon is public domain',
    source:
      'Darknet Reference "tiny" classifier (J. Redmon), Keras 2.1.6 conversion published by ml5.js (github.com/ml5js/ml5-data-and-models, models/darknetclassifier/darknettiny)',
  });
}
