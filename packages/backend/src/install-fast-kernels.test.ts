import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, TrainkitError } from '@trainkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { installedKernels, installFastKernels, uninstallFastKernels } from './install-fast-kernels';

describe('installFastKernels', () => {
  afterAll(() => {
    uninstallFastKernels('wasm');
    uninstallFastKernels('cpu');
  });

  it('throws ConfigError naming the package when the backend is not registered', () => {
    const factory = tf.findBackendFactory('wasm');
    tf.removeBackend('wasm');
    try {
      expect(() => installFastKernels('wasm')).toThrow(ConfigError);
      expect(() => installFastKernels('wasm')).toThrow(/tfjs-backend-wasm/);
    } finally {
      tf.registerBackend('wasm', factory as () => tf.KernelBackend, 2);
    }
  });

  it('rejects a backend it has no kernels for, naming the argument', () => {
    expect(() => installFastKernels('webgl' as never)).toThrow(TrainkitError);
    expect(() => installFastKernels('webgl' as never)).toThrow(/backend/);
    expect(() => uninstallFastKernels('webgl' as never)).toThrow(TrainkitError);
  });

  it('fills the kernels stock wasm lacks, idempotently, and uninstall restores them', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    const stockTile = tf.getKernel('Tile', 'wasm');
    const { kernels } = installFastKernels('wasm');
    expect(kernels).toEqual(
      expect.arrayContaining([
        'Conv2DBackpropFilter',
        'Conv2DBackpropInput',
        'BatchMatMul',
        'Tile',
        'MaxPoolGrad',
        'DepthwiseConv2dNativeBackpropFilter',
        'DepthwiseConv2dNativeBackpropInput',
        'UnsortedSegmentSum',
      ]),
    );
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('Tile', 'wasm')).not.toBe(stockTile);
    expect(installFastKernels('wasm').kernels.sort()).toEqual([...kernels].sort());
    expect(installedKernels('wasm').sort()).toEqual([...kernels].sort());
    uninstallFastKernels('wasm');
    expect(installedKernels('wasm')).toEqual([]);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('Tile', 'wasm')?.kernelFunc).toBe(stockTile?.kernelFunc);
  });

  it('replaces only the two conv backprops on cpu', () => {
    expect(installFastKernels('cpu').kernels.sort()).toEqual([
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
    ]);
  });
});
