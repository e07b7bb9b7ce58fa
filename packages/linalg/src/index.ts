// @trainkit/linalg: dense linear algebra — a wasm SIMD GEMM engine, symmetric eigensolvers, Cholesky and ridge solves.

export { type CholeskyOptions, choleskyFactor, solveLower, solveLowerTransposed } from './cholesky';
export { choleskySolve } from './cholesky-solve';
export { multiplySquare, orthonormalize } from './column-store';
export { type GemmOptions, type GemmShape, gemm } from './gemm';
export { Arena, align, DATA_AT, dataBytes, MAX_BYTES } from './kernels/arena';
export { KernelRows } from './kernels/kernel-rows';
export {
  type KernelExports,
  type KernelName,
  kernelModule,
  type LinalgExports,
  linalgModule,
} from './kernels/module';
export {
  type Call,
  inlineRunner,
  type KernelThreads,
  type Runner,
  type Slice,
  slices,
  type Work,
} from './kernels/runner';
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
