/**
 * The WebAssembly text of the float32 matrix-product kernels (wasm SIMD, 128-bit).
 * `scripts/build-kernels.ts` assembles it (wabt) into `binary.ts`; a test checks that the two
 * agree, so this file is the source of truth.
 *
 * Every kernel works on one shared linear memory, with byte addresses and byte strides, and is
 * built from one register-blocked micro-kernel (Goto & van de Geijn 2008, "Anatomy of
 * high-performance matrix multiplication"): a 4 x 8 tile of `C += A^T B` kept in eight f32x4
 * accumulators, one broadcast of A and two vectors of B per step of the sum, no fused
 * multiply-add (wasm SIMD has none). Sums run in float32 over at most one block of rows and are
 * added into float64 outputs, so long sums do not lose float32 precision.
 *
 * Layouts: `X` is the row-major data (`rows x p`, leading dimension `ld` bytes). A "panel" holds
 * eight columns of a matrix, row after row (`[k][8]` floats, 32 bytes per row); `Q` (`p x l`)
 * and `Y = X Q` (`rows x l`) are kept as panels. Columns past `p` (to the next multiple of 8) read
 * whatever follows each row: they only reach output entries past `p`, which callers ignore, so
 * the data needs 32 bytes of slack after its last row.
 */

const ROWS = 4;

/**
 * One step of the sum: B's `vectors` vectors (4 columns each) at `b`, then each row's broadcast
 * of A times them. Tiles are 4 x 8 (two vectors); the 4 x 4 variants (one) finish a block whose
 * last panel holds at most 4 columns (l = 60: 7 panels and a half).
 */
function step(splat: (i: number) => string, vectors: number): string {
  return [
    '(local.set $b0 (v128.load (local.get $b)))',
    ...(vectors > 1 ? ['(local.set $b1 (v128.load offset=16 (local.get $b)))'] : []),
    ...Array.from(
      { length: ROWS },
      (_, i) => `(local.set $x ${splat(i)})\n      ${madd(i, vectors)}`,
    ),
  ].join('\n      ');
}

/** The suffix of a kernel's name: '' for 4 x 8, '_h' for the 4 x 4 half. */
const suffix = (vectors: number) => (vectors > 1 ? '' : '_h');

/**
 * `$tile(a, as, b, bs, kc, c, ldc)`: the f64 tile at `c` (row stride `ldc` bytes) += A^T B over
 * `kc` steps, A's four columns at `a` and B's eight at `b`, rows `as` and `bs` bytes apart. (A
 * 4 x 8 tile measured fastest in V8: 4 x 12, 4 x 16, 6 x 8 and 8 x 8 spill registers, and
 * unrolling the loop was slower.)
 */
function tileAcc64(vectors: number): string {
  const acc = accumulators(vectors);
  return `
  (func $tile${suffix(vectors)} (param $a i32) (param $as i32) (param $b i32) (param $bs i32)
    (param $kc i32) (param $c i32) (param $ldc i32)
    (local $x v128) (local $b0 v128) (local $b1 v128) ${acc.decl}
    (block $done (loop $step
      (br_if $done (i32.eqz (local.get $kc)))
      ${step((i) => `(v128.load32_splat offset=${4 * i} (local.get $a))`, vectors)}
      (local.set $a (i32.add (local.get $a) (local.get $as)))
      (local.set $b (i32.add (local.get $b) (local.get $bs)))
      (local.set $kc (i32.sub (local.get $kc) (i32.const 1)))
      (br $step)))
    ${Array.from({ length: ROWS }, (_, i) => addRow64(i, vectors)).join('\n    ')})`;
}

/**
 * `$nn(a0, a1, a2, a3, b, k, c)`: four rows of `X Q` (rows at `a0..a3`, `k` features each) times
 * one panel of `Q` at `b`, stored as four rows of a panel of `Y` at `c` (float32, overwritten).
 */
function tileRowsStore32(vectors: number): string {
  const acc = accumulators(vectors);
  const a = Array.from({ length: ROWS }, (_, i) => `$a${i}`);
  const store = (i: number, v: number) =>
    `(v128.store offset=${32 * i + 16 * v} (local.get $c) (local.get $c${i}_${v}))`;
  return `
  (func $nn${suffix(vectors)} (param ${a.map((x) => `${x} i32`).join(') (param ')}) (param $b i32) (param $k i32) (param $c i32)
    (local $x v128) (local $b0 v128) (local $b1 v128) ${acc.decl}
    (block $done (loop $step
      (br_if $done (i32.eqz (local.get $k)))
      ${step((i) => `(v128.load32_splat (local.get ${a[i]}))`, vectors)}
      ${a.map((x) => `(local.set ${x} (i32.add (local.get ${x}) (i32.const 4)))`).join('\n      ')}
      (local.set $b (i32.add (local.get $b) (i32.const 32)))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br $step)))
    ${Array.from({ length: ROWS * vectors }, (_, i) => store(i >> (vectors - 1), i & (vectors - 1))).join('\n    ')})`;
}

function accumulators(vectors: number) {
  const names: string[] = [];
  for (let i = 0; i < ROWS; i++) for (let v = 0; v < vectors; v++) names.push(`$c${i}_${v}`);
  return { names, decl: names.map((n) => `(local ${n} v128)`).join(' ') };
}

function madd(i: number, vectors: number): string {
  return Array.from(
    { length: vectors },
    (_, v) =>
      `(local.set $c${i}_${v} (f32x4.add (local.get $c${i}_${v}) (f32x4.mul (local.get $x) (local.get $b${v}))))`,
  ).join('\n      ');
}

/** Adds accumulator row `i` (4 floats per vector) to float64s at `c + i ldc`. */
function addRow64(i: number, vectors: number): string {
  const at =
    i === 0
      ? '(local.get $c)'
      : `(i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const ${i})))`;
  const lines: string[] = [];
  for (let v = 0; v < vectors; v++) {
    const acc = `(local.get $c${i}_${v})`;
    const high = `(i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${acc} ${acc})`;
    for (const [half, src] of [
      [0, acc],
      [1, high],
    ] as const) {
      const off = 32 * v + 16 * half;
      lines.push(
        `(v128.store offset=${off} ${at} (f64x2.add (v128.load offset=${off} ${at}) (f64x2.promote_low_f32x4 ${src})))`,
      );
    }
  }
  return lines.join('\n    ');
}

/**
 * Loops over tiles. Exported:
 * - `syrk(x, ld, rows, p8, c, kc)`: `C (p8 x p8, f64) += X^T X` over blocks of `kc` rows, upper
 *   block triangle only (tiles with `i <= j + 7`; the caller mirrors). Both operands are read
 *   in place, rows `ld` bytes apart.
 * - `times(x, ld, rows, p, q, l, y, xp, block, c)`: `C (p8 x l8, f64) += X^T (X Q)` for the `l`
 *   columns of `Q` as panels of `p` rows (`l8`: `l` rounded up to 8), per block of `block` rows: `Y = X Q` into panels at `y`, the
 *   block of `X` copied into panels at `xp` (strided reads of a wide `X` thrash the TLB), then
 *   `C += X^T Y`.
 * - `project(x, ld, rows, p, q, l, y, panel)`: `Y = X Q` (float32) into panels of `Y`
 *   (`panel` bytes apart, rows rounded up to 4), `Q` as in `times`.
 * - `center(x, ld, rows, p, mean)`: `X -= 1 mean^T` in place (`mean`: `p` float32s).
 * - `moments(x, ld, rows, p, shift, s1, s2)`: float64 `s1 += sum (x - shift)`,
 *   `s2 += sum (x - shift)^2` per column (`shift`: `p` float32s, e.g. the first row).
 * - `zero(at, bytes)`.
 */
function drivers(): string {
  return `
  (func (export "syrk") (param $x i32) (param $ld i32) (param $rows i32) (param $p8 i32) (param $c i32) (param $kc i32)
    (local $r i32) (local $n i32) (local $i i32) (local $j i32) (local $ldc i32)
    (local.set $ldc (i32.shl (local.get $p8) (i32.const 3)))
    (block $rdone (loop $rblock
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $n (i32.sub (local.get $rows) (local.get $r)))
      (if (i32.gt_u (local.get $n) (local.get $kc)) (then (local.set $n (local.get $kc))))
      (local.set $j (i32.const 0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $p8)))
        (local.set $i (i32.const 0))
        (block $idone (loop $iloop
          (br_if $idone (i32.ge_u (local.get $i) (i32.add (local.get $j) (i32.const 8))))
          (call $tile
            (i32.add (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $ld))) (i32.shl (local.get $i) (i32.const 2)))
            (local.get $ld)
            (i32.add (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $ld))) (i32.shl (local.get $j) (i32.const 2)))
            (local.get $ld)
            (local.get $n)
            (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $p8)) (local.get $j)) (i32.const 3)))
            (local.get $ldc))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $iloop)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $jloop)))
      (local.set $r (i32.add (local.get $r) (local.get $n)))
      (br $rblock))))

  (func $nn_d (export "project") (param $x i32) (param $ld i32) (param $rows i32) (param $p i32) (param $q i32) (param $l i32) (param $y i32) (param $panel i32)
    (local $r i32) (local $j i32) (local $last i32) (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $qpanel i32)
    (local $b i32) (local $c i32)
    (local.set $last (i32.add (local.get $x) (i32.mul (i32.sub (local.get $rows) (i32.const 1)) (local.get $ld))))
    (local.set $qpanel (i32.shl (local.get $p) (i32.const 5)))
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      ;; rows past the last one repeat it (their outputs land past the rows, unread)
      (local.set $a1 (call $min (i32.add (local.get $x) (i32.mul (i32.add (local.get $r) (i32.const 1)) (local.get $ld))) (local.get $last)))
      (local.set $a2 (call $min (i32.add (local.get $x) (i32.mul (i32.add (local.get $r) (i32.const 2)) (local.get $ld))) (local.get $last)))
      (local.set $a3 (call $min (i32.add (local.get $x) (i32.mul (i32.add (local.get $r) (i32.const 3)) (local.get $ld))) (local.get $last)))
      (local.set $j (i32.const 0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $l)))
        (local.set $a0 (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $ld))))
        (local.set $b (i32.add (local.get $q) (i32.mul (i32.shr_u (local.get $j) (i32.const 3)) (local.get $qpanel))))
        (local.set $c (i32.add (i32.add (local.get $y) (i32.mul (i32.shr_u (local.get $j) (i32.const 3)) (local.get $panel)))
          (i32.shl (local.get $r) (i32.const 5))))
        (if (i32.gt_u (i32.sub (local.get $l) (local.get $j)) (i32.const 4))
          (then (call $nn (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3) (local.get $b) (local.get $p) (local.get $c)))
          (else (call $nn_h (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3) (local.get $b) (local.get $p) (local.get $c))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $jloop)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $rloop))))

  (func (export "center") (param $x i32) (param $ld i32) (param $rows i32) (param $p i32) (param $mean i32)
    (local $r i32) (local $j i32) (local $row i32) (local $p4 i32)
    (local.set $p4 (i32.and (local.get $p) (i32.const -4)))
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $row (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $ld))))
      (local.set $j (i32.const 0))
      (block $vdone (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $j) (local.get $p4)))
        (v128.store (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))
          (f32x4.sub (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
            (v128.load (i32.add (local.get $mean) (i32.shl (local.get $j) (i32.const 2))))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $vloop)))
      (block $sdone (loop $sloop
        (br_if $sdone (i32.ge_u (local.get $j) (local.get $p)))
        (f32.store (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))
          (f32.sub (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
            (f32.load (i32.add (local.get $mean) (i32.shl (local.get $j) (i32.const 2))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $sloop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rloop))))

  (func $pack_d (param $x i32) (param $ld i32) (param $rows i32) (param $p8 i32) (param $dst i32) (param $panel i32)
    (local $r i32) (local $j i32) (local $src i32) (local $to i32)
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $src (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $ld))))
      (local.set $to (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 5))))
      (local.set $j (i32.const 0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $p8)))
        (v128.store (local.get $to) (v128.load (local.get $src)))
        (v128.store offset=16 (local.get $to) (v128.load offset=16 (local.get $src)))
        (local.set $src (i32.add (local.get $src) (i32.const 32)))
        (local.set $to (i32.add (local.get $to) (local.get $panel)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $jloop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rloop))))

  (func $tnp_d (param $xp i32) (param $xpanel i32) (param $rows i32) (param $p8 i32) (param $y i32) (param $l i32) (param $panel i32) (param $c i32)
    (local $i i32) (local $j i32) (local $ldc i32) (local $a i32) (local $b i32) (local $to i32)
    (local.set $ldc (i32.shl (i32.and (i32.add (local.get $l) (i32.const 7)) (i32.const -8)) (i32.const 3)))
    (block $idone (loop $iloop
      (br_if $idone (i32.ge_u (local.get $i) (local.get $p8)))
      (local.set $j (i32.const 0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $l)))
        (local.set $a (i32.add (i32.add (local.get $xp) (i32.mul (i32.shr_u (local.get $i) (i32.const 3)) (local.get $xpanel)))
          (i32.shl (i32.and (local.get $i) (i32.const 7)) (i32.const 2))))
        (local.set $b (i32.add (local.get $y) (i32.mul (i32.shr_u (local.get $j) (i32.const 3)) (local.get $panel))))
        (local.set $to (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))) (i32.shl (local.get $j) (i32.const 3))))
        (if (i32.gt_u (i32.sub (local.get $l) (local.get $j)) (i32.const 4))
          (then (call $tile (local.get $a) (i32.const 32) (local.get $b) (i32.const 32) (local.get $rows) (local.get $to) (local.get $ldc)))
          (else (call $tile_h (local.get $a) (i32.const 32) (local.get $b) (i32.const 32) (local.get $rows) (local.get $to) (local.get $ldc))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $jloop)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $iloop))))

  (func (export "times") (param $x i32) (param $ld i32) (param $rows i32) (param $p i32) (param $q i32) (param $l i32)
    (param $y i32) (param $xp i32) (param $block i32) (param $c i32)
    (local $r i32) (local $n i32) (local $at i32) (local $p8 i32)
    (local.set $p8 (i32.and (i32.add (local.get $p) (i32.const 7)) (i32.const -8)))
    (block $done (loop $blocks
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $n (call $min (i32.sub (local.get $rows) (local.get $r)) (local.get $block)))
      (local.set $at (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $ld))))
      (call $nn_d (local.get $at) (local.get $ld) (local.get $n) (local.get $p) (local.get $q) (local.get $l)
        (local.get $y) (i32.shl (local.get $block) (i32.const 5)))
      (call $pack_d (local.get $at) (local.get $ld) (local.get $n) (local.get $p8) (local.get $xp)
        (i32.shl (local.get $block) (i32.const 5)))
      (call $tnp_d (local.get $xp) (i32.shl (local.get $block) (i32.const 5)) (local.get $n) (local.get $p8)
        (local.get $y) (local.get $l) (i32.shl (local.get $block) (i32.const 5)) (local.get $c))
      (local.set $r (i32.add (local.get $r) (local.get $n)))
      (br $blocks))))

  (func (export "moments") (param $x i32) (param $ld i32) (param $rows i32) (param $p i32) (param $shift i32)
    (param $s1 i32) (param $s2 i32)
    (local $r i32) (local $j i32) (local $row i32) (local $d v128) (local $o i32) (local $p2 i32) (local $e f64)
    (local.set $p2 (i32.and (local.get $p) (i32.const -2)))
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $row (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $ld))))
      (local.set $j (i32.const 0))
      (block $vdone (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $j) (local.get $p2)))
        (local.set $d (f64x2.sub
          (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
          (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $shift) (i32.shl (local.get $j) (i32.const 2)))))))
        (local.set $o (i32.shl (local.get $j) (i32.const 3)))
        (v128.store (i32.add (local.get $s1) (local.get $o))
          (f64x2.add (v128.load (i32.add (local.get $s1) (local.get $o))) (local.get $d)))
        (v128.store (i32.add (local.get $s2) (local.get $o))
          (f64x2.add (v128.load (i32.add (local.get $s2) (local.get $o))) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $vloop)))
      (if (i32.lt_u (local.get $j) (local.get $p)) (then
        (local.set $e (f64.sub
          (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
          (f64.promote_f32 (f32.load (i32.add (local.get $shift) (i32.shl (local.get $j) (i32.const 2)))))))
        (local.set $o (i32.shl (local.get $j) (i32.const 3)))
        (f64.store (i32.add (local.get $s1) (local.get $o)) (f64.add (f64.load (i32.add (local.get $s1) (local.get $o))) (local.get $e)))
        (f64.store (i32.add (local.get $s2) (local.get $o))
          (f64.add (f64.load (i32.add (local.get $s2) (local.get $o))) (f64.mul (local.get $e) (local.get $e))))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rloop))))

  (func (export "zero") (param $at i32) (param $bytes i32)
    (memory.fill (local.get $at) (i32.const 0) (local.get $bytes)))

  (func $min (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_u (local.get $a) (local.get $b))))`;
}

/** The module: kernels over an imported (shared) memory `env.memory`. */
export function kernelsWat(shared: boolean): string {
  return `(module
  (import "env" "memory" (memory 1${shared ? ' 65536 shared' : ''}))
${tileAcc64(2)}
${tileAcc64(1)}
${tileRowsStore32(2)}
${tileRowsStore32(1)}
${drivers()}
)
`;
}

/**
 * Float64 kernels of the small dense steps on the calling thread (a second module, so that
 * each stays under the 4 KB a browser page compiles synchronously):
 * - `orthcol(t, ps, j)`: column `j` of the float64 column-major `t` (columns `ps` values apart,
 *   `ps` a multiple of 4, zeros past the data) orthogonalised twice against columns `0..j-1`
 *   (Gram-Schmidt, "twice is enough"); returns its squared norm.
 * - `cross(a, b, ps, na, nb, out, upper)`: float64 dot products of the columns of column-major
 *   `a` (`na` columns) and `b` (`nb`), columns `ps` values apart: `out[i nb + j] = a_i . b_j`,
 *   only `j >= i` when `upper` is 1.
 * - `tridrest(w, p, o, m, u, v, v2, q2)`: one step of the Householder tridiagonalisation of
 *   `tridiagonal.ts` on the row-major float64 `w` (`p x p`, lower triangle): rows `o+1 .. o+m-1`
 *   of the trailing block get the rank-2 update `B -= v u^T + u v^T` (columns `o+1 ..`, up to the
 *   diagonal) and, in the same sweep, add `B' v2` into `q2` (`m - 1` values); `u`, `v` hold `m`
 *   values, `v2` `m - 1`. Two rows at a time, two columns per f64x2.
 */
export function linalgWat(): string {
  return `(module
  (import "env" "memory" (memory 1))
${linalgFuncs()}
${tridiagonalStep()}
)
`;
}

function linalgFuncs(): string {
  return `
  (func $dot (param $a i32) (param $b i32) (param $bytes i32) (result f64)
    (local $r i32) (local $s0 v128) (local $s1 v128)
    (block $done (loop $step
      (br_if $done (i32.ge_u (local.get $r) (local.get $bytes)))
      (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul
        (v128.load (i32.add (local.get $a) (local.get $r))) (v128.load (i32.add (local.get $b) (local.get $r))))))
      (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul
        (v128.load offset=16 (i32.add (local.get $a) (local.get $r))) (v128.load offset=16 (i32.add (local.get $b) (local.get $r))))))
      (local.set $r (i32.add (local.get $r) (i32.const 32)))
      (br $step)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))

  (func (export "orthcol") (param $t i32) (param $ps i32) (param $j i32) (result f64)
    (local $v i32) (local $q i32) (local $i i32) (local $r i32) (local $pass i32) (local $bytes i32)
    (local $dot v128)
    (local.set $bytes (i32.shl (local.get $ps) (i32.const 3)))
    (local.set $v (i32.add (local.get $t) (i32.mul (local.get $j) (local.get $bytes))))
    (loop $passes
      (local.set $i (i32.const 0))
      (block $idone (loop $iloop
        (br_if $idone (i32.ge_u (local.get $i) (local.get $j)))
        (local.set $q (i32.add (local.get $t) (i32.mul (local.get $i) (local.get $bytes))))
        (local.set $dot (f64x2.splat (call $dot (local.get $q) (local.get $v) (local.get $bytes))))
        (local.set $r (i32.const 0))
        (block $adone (loop $aloop
          (br_if $adone (i32.ge_u (local.get $r) (local.get $bytes)))
          (v128.store (i32.add (local.get $v) (local.get $r)) (f64x2.sub (v128.load (i32.add (local.get $v) (local.get $r)))
            (f64x2.mul (local.get $dot) (v128.load (i32.add (local.get $q) (local.get $r))))))
          (v128.store offset=16 (i32.add (local.get $v) (local.get $r)) (f64x2.sub (v128.load offset=16 (i32.add (local.get $v) (local.get $r)))
            (f64x2.mul (local.get $dot) (v128.load offset=16 (i32.add (local.get $q) (local.get $r))))))
          (local.set $r (i32.add (local.get $r) (i32.const 32)))
          (br $aloop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iloop)))
      (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
      (br_if $passes (i32.lt_u (local.get $pass) (i32.const 2))))
    (call $dot (local.get $v) (local.get $v) (local.get $bytes)))


  (func (export "cross") (param $a i32) (param $b i32) (param $ps i32) (param $na i32) (param $nb i32)
    (param $out i32) (param $upper i32)
    (local $i i32) (local $j i32) (local $bytes i32) (local $ai i32) (local $bj i32)
    (local.set $bytes (i32.shl (local.get $ps) (i32.const 3)))
    (block $idone (loop $iloop
      (br_if $idone (i32.ge_u (local.get $i) (local.get $na)))
      (local.set $ai (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $bytes))))
      (local.set $j (select (local.get $i) (i32.const 0) (local.get $upper)))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $nb)))
        (local.set $bj (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $bytes))))
        (f64.store (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $nb)) (local.get $j)) (i32.const 3)))
          (call $dot (local.get $ai) (local.get $bj) (local.get $bytes)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $iloop))))

`;
}

/** `(local.get $name)` */
const g = (name: string) => `(local.get $${name})`;
/** The byte address of float64 element `index` of array `base`. */
const at8 = (base: string, index: string) =>
  `(i32.add ${g(base)} (i32.shl ${index} (i32.const 3)))`;

/**
 * `tridrest`: the rank-2 update of the trailing block fused with the next product (see
 * {@link linalgWat}); the wasm form of the two-rows-at-a-time loop in `tridiagonal.ts`.
 */
function tridiagonalStep(): string {
  // b = w - vr * u[c] - ur * v[c] for two columns at once; vr/ur are splats.
  const update = (row: string, vr: string, ur: string) =>
    `(f64x2.sub (f64x2.sub (v128.load ${at8(row, g('c'))}) (f64x2.mul ${g(vr)} ${g('uc')})) (f64x2.mul ${g(ur)} ${g('vc')}))`;
  const scalarUpdate = (row: string, vr: string, ur: string, col: string) =>
    `(f64.sub (f64.sub (f64.load ${at8(row, col)}) (f64.mul ${g(vr)} (f64.load ${at8('u', col)}))) (f64.mul ${g(ur)} (f64.load ${at8('v', col)})))`;
  const splat = (x: string) => `(f64x2.splat ${g(x)})`;
  const sum = (x: string) =>
    `(f64.add (f64x2.extract_lane 0 ${g(x)}) (f64x2.extract_lane 1 ${g(x)}))`;
  const addTo = (base: string, index: string, value: string) =>
    `(f64.store ${at8(base, index)} (f64.add (f64.load ${at8(base, index)}) ${value}))`;
  return `
  (func (export "tridrest") (param $w i32) (param $p i32) (param $o i32) (param $m i32)
    (param $u i32) (param $v i32) (param $v2 i32) (param $q2 i32)
    (local $r i32) (local $c i32) (local $rowA i32) (local $rowB i32) (local $c1 i32)
    (local $vA f64) (local $uA f64) (local $v2A f64) (local $vB f64) (local $uB f64) (local $v2B f64)
    (local $xvA v128) (local $xuA v128) (local $xvB v128) (local $xuB v128) (local $xv2A v128) (local $xv2B v128)
    (local $uc v128) (local $vc v128) (local $v2c v128) (local $bA v128) (local $bB v128)
    (local $sA v128) (local $sB v128) (local $a f64) (local $b f64) (local $dA f64) (local $dB f64)
    (local.set $r (i32.const 1))
    (block $pairsDone (loop $pairs
      (br_if $pairsDone (i32.ge_u (i32.add ${g('r')} (i32.const 1)) ${g('m')}))
      ;; rows o + r and o + r + 1, from column o
      (local.set $rowA (i32.add ${g('w')} (i32.shl (i32.add (i32.mul (i32.add ${g('o')} ${g('r')}) ${g('p')}) ${g('o')}) (i32.const 3))))
      (local.set $rowB (i32.add ${g('rowA')} (i32.shl ${g('p')} (i32.const 3))))
      (local.set $vA (f64.load ${at8('v', g('r'))}))
      (local.set $uA (f64.load ${at8('u', g('r'))}))
      (local.set $v2A (f64.load ${at8('v2', `(i32.sub ${g('r')} (i32.const 1))`)}))
      (local.set $vB (f64.load offset=8 ${at8('v', g('r'))}))
      (local.set $uB (f64.load offset=8 ${at8('u', g('r'))}))
      (local.set $v2B (f64.load ${at8('v2', g('r'))}))
      (local.set $xvA ${splat('vA')}) (local.set $xuA ${splat('uA')}) (local.set $xvB ${splat('vB')})
      (local.set $xuB ${splat('uB')}) (local.set $xv2A ${splat('v2A')}) (local.set $xv2B ${splat('v2B')})
      (local.set $sA (v128.const i64x2 0 0))
      (local.set $sB (v128.const i64x2 0 0))
      (local.set $c (i32.const 1))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (i32.add ${g('c')} (i32.const 1)) ${g('r')}))
        (local.set $c1 (i32.sub ${g('c')} (i32.const 1)))
        (local.set $uc (v128.load ${at8('u', g('c'))}))
        (local.set $vc (v128.load ${at8('v', g('c'))}))
        (local.set $v2c (v128.load ${at8('v2', g('c1'))}))
        (local.set $bA ${update('rowA', 'xvA', 'xuA')})
        (local.set $bB ${update('rowB', 'xvB', 'xuB')})
        (v128.store ${at8('rowA', g('c'))} ${g('bA')})
        (v128.store ${at8('rowB', g('c'))} ${g('bB')})
        (local.set $sA (f64x2.add ${g('sA')} (f64x2.mul ${g('bA')} ${g('v2c')})))
        (local.set $sB (f64x2.add ${g('sB')} (f64x2.mul ${g('bB')} ${g('v2c')})))
        (v128.store ${at8('q2', g('c1'))} (f64x2.add (v128.load ${at8('q2', g('c1'))})
          (f64x2.add (f64x2.mul ${g('bA')} ${g('xv2A')}) (f64x2.mul ${g('bB')} ${g('xv2B')}))))
        (local.set $c (i32.add ${g('c')} (i32.const 2)))
        (br $cols)))
      (local.set $a ${sum('sA')})
      (local.set $b ${sum('sB')})
      ;; an odd column left before the diagonal
      (if (i32.lt_u ${g('c')} ${g('r')}) (then
        (local.set $c1 (i32.sub ${g('c')} (i32.const 1)))
        (local.set $dA ${scalarUpdate('rowA', 'vA', 'uA', g('c'))})
        (local.set $dB ${scalarUpdate('rowB', 'vB', 'uB', g('c'))})
        (f64.store ${at8('rowA', g('c'))} ${g('dA')})
        (f64.store ${at8('rowB', g('c'))} ${g('dB')})
        (local.set $a (f64.add ${g('a')} (f64.mul ${g('dA')} (f64.load ${at8('v2', g('c1'))}))))
        (local.set $b (f64.add ${g('b')} (f64.mul ${g('dB')} (f64.load ${at8('v2', g('c1'))}))))
        ${addTo('q2', g('c1'), `(f64.add (f64.mul ${g('dA')} ${g('v2A')}) (f64.mul ${g('dB')} ${g('v2B')}))`)}))
      ;; the diagonal of row A, and row B's two last entries
      (local.set $dA ${scalarUpdate('rowA', 'vA', 'uA', g('r'))})
      (f64.store ${at8('rowA', g('r'))} ${g('dA')})
      (local.set $dB ${scalarUpdate('rowB', 'vB', 'uB', g('r'))})
      (f64.store ${at8('rowB', g('r'))} ${g('dB')})
      (local.set $b (f64.add ${g('b')} (f64.mul ${g('dB')} ${g('v2A')})))
      ${addTo('q2', `(i32.sub ${g('r')} (i32.const 1))`, `(f64.add (f64.add ${g('a')} (f64.mul ${g('dA')} ${g('v2A')})) (f64.mul ${g('dB')} ${g('v2B')}))`)}
      (local.set $c (i32.add ${g('r')} (i32.const 1)))
      (local.set $dB ${scalarUpdate('rowB', 'vB', 'uB', g('c'))})
      (f64.store ${at8('rowB', g('c'))} ${g('dB')})
      ${addTo('q2', g('r'), `(f64.add ${g('b')} (f64.mul ${g('dB')} ${g('v2B')}))`)}
      (local.set $r (i32.add ${g('r')} (i32.const 2)))
      (br $pairs)))
    ;; a last single row
    (if (i32.lt_u ${g('r')} ${g('m')}) (then
      (local.set $rowA (i32.add ${g('w')} (i32.shl (i32.add (i32.mul (i32.add ${g('o')} ${g('r')}) ${g('p')}) ${g('o')}) (i32.const 3))))
      (local.set $vA (f64.load ${at8('v', g('r'))}))
      (local.set $uA (f64.load ${at8('u', g('r'))}))
      (local.set $v2A (f64.load ${at8('v2', `(i32.sub ${g('r')} (i32.const 1))`)}))
      (local.set $a (f64.const 0))
      (local.set $c (i32.const 1))
      (block $done (loop $each
        (br_if $done (i32.ge_u ${g('c')} ${g('r')}))
        (local.set $c1 (i32.sub ${g('c')} (i32.const 1)))
        (local.set $dA ${scalarUpdate('rowA', 'vA', 'uA', g('c'))})
        (f64.store ${at8('rowA', g('c'))} ${g('dA')})
        (local.set $a (f64.add ${g('a')} (f64.mul ${g('dA')} (f64.load ${at8('v2', g('c1'))}))))
        ${addTo('q2', g('c1'), `(f64.mul ${g('dA')} ${g('v2A')})`)}
        (local.set $c (i32.add ${g('c')} (i32.const 1)))
        (br $each)))
      (local.set $dA ${scalarUpdate('rowA', 'vA', 'uA', g('r'))})
      (f64.store ${at8('rowA', g('r'))} ${g('dA')})
      ${addTo('q2', `(i32.sub ${g('r')} (i32.const 1))`, `(f64.add ${g('a')} (f64.mul ${g('dA')} ${g('v2A')}))`)})))`;
}
