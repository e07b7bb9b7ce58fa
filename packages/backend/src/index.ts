// @trainkit/backend: Fast training kernels for the tfjs cpu/wasm backends, and WebGPU in Node and browsers.
export {};
