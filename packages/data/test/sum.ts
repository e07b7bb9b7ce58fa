/** Sum of a numeric typed array (a plain loop: `reduce` on a union of typed arrays does not type-check). */
export function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}
