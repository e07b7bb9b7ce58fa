import { ConfigError, type Serialized } from '@trainkit/core';

// tfjs-layers rewrites every key AND every string value of a layer config between camelCase
// and snake_case when saving and loading, which corrupts name patterns such as
// 'depthwise_kernel'. The spec therefore travels as lowercase hex of its UTF-8 JSON, which
// neither conversion touches.

/** Encodes a trainkit spec for a tfjs-layers config. */
export function encodeSpec(spec: Serialized): string {
  const bytes = new TextEncoder().encode(JSON.stringify(spec));
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** Decodes {@link encodeSpec} output (a plain spec object is accepted too). */
export function decodeSpec(spec: unknown): Serialized {
  if (spec !== null && typeof spec === 'object') return spec as Serialized;
  if (typeof spec !== 'string' || !/^([0-9a-f]{2})+$/.test(spec)) {
    throw new ConfigError('not an encoded trainkit spec', {
      argument: 'config.spec',
      expected: 'the hex string written by getConfig()',
      received: spec,
    });
  }
  const bytes = new Uint8Array(spec.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(spec.slice(2 * i, 2 * i + 2), 16);
  return JSON.parse(new TextDecoder().decode(bytes)) as Serialized;
}
