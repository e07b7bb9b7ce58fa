/**
 * Base64 of bytes, in Node and browsers (for `data:image/png;base64,` URLs).
 * @example `<img src="data:image/png;base64,${toBase64(encodePng(image))}">`
 */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
