// @trainkit/linalg: dense linear algebra — a wasm SIMD GEMM engine, symmetric eigensolvers, Cholesky and ridge solves.

export { type CholeskyOptions, choleskyFactor, solveLower, solveLowerTransposed } from './cholesky';
export { choleskySolve } from './cholesky-solve';
export { multiplySquare, orthonormalize } from './column-store';
export { type GemmOptions, type GemmShape, gemm } from './gemm';
export {
  Arena,
  align,
  type Call,
  DATA_AT,
  dataBytes,
  inlineRunner,
  type KernelExports,
  type KernelName,
  KernelRows,
  type KernelThreads,
  kernelModule,
  type LinalgExports,
  linalgModule,
  MAX_BYTES,
  type Runner,
  type Slice,
  slices,
  type Work,
} from './kernels/engine';
export {
  type RandomizedOptions,
  type RangeFinder,
  randomizedEigen,
  randomizedEigenOf,
  type SymmetricOperator,
} from './randomized-eigen';
export { type RidgeSolveOptions, ridgeSolve } from './ridge-solve';
export { type EigenPairs, symmetricEigen } from './symmetric-eigen';
export { topSymmetricEigen } from './tridiagonal';
