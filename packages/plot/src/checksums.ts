// The checksums PNG and zlib streams carry (and TFRecord framing, with another polynomial).

/**
 * A table-driven reflected CRC-32 for `polynomial` (reversed bit order), with the usual
 * all-ones initial value and final inversion; `crc` continues a previous value.
 * @example const crc32c = reflectedCrc32(0x82f63b78); // Castagnoli, as TFRecord files use
 */
export function reflectedCrc32(polynomial: number): (bytes: Uint8Array, crc?: number) => number {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return (bytes, crc = 0) => {
    let c = ~crc >>> 0;
    for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
    return ~c >>> 0;
  };
}

/**
 * CRC-32 (ISO 3309 / PNG / zlib polynomial 0xEDB88320), the checksum of every PNG chunk.
 * @example crc32(new TextEncoder().encode('123456789')) // 0xcbf43926
 */
export const crc32 = reflectedCrc32(0xedb88320);

/** Adler-32 (RFC 1950), the zlib stream's checksum. Internal: not exported by the package. */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; i++) {
    a = (a + bytes[i]!) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}
