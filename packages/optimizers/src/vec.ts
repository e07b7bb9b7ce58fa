/** Small float64 vector helpers for the second-order methods (no allocation games). */
export const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
};
export const maxAbs = (a: Float64Array): number => {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
};
export const sumAbs = (a: Float64Array): number => {
  let s = 0;
  for (const v of a) s += Math.abs(v);
  return s;
};
/** `a + t b` (new array). */
export const axpy = (a: Float64Array, t: number, b: Float64Array): Float64Array => {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) + t * (b[i] as number);
  return out;
};
export const scale = (a: Float64Array, t: number): Float64Array => a.map((v) => v * t);
