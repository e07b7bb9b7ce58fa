import * as tfl from '@tensorflow/tfjs-layers';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { lenet5 } from './lenet5';
import { formatSummary, summary } from './summary';
import { vgg } from './vgg';

describe('summary', () => {
  it('lists every layer with output shape, parameters and FLOPs (LeNet-5 by hand)', async () => {
    const model = lenet5();
    const s = await expectNoLeaks(() => summary(model));
    const row = (name: string) => s.layers.find((l) => l.name === name)!;
    expect(row('c1').outputShape).toEqual([null, 28, 28, 6]);
    // MACs = output elements x (kernel area x input channels)
    expect(row('c1').macs).toBe(28 * 28 * 6 * 25);
    expect(row('c1').flops).toBe(2 * 28 * 28 * 6 * 25);
    expect(row('c3').macs).toBe(10 * 10 * 16 * 25 * 6);
    expect(row('c5').macs).toBe(120 * 25 * 16);
    expect(row('f6').macs).toBe(120 * 84);
    expect(row('output').macs).toBe(84 * 10);
    expect(row('s2').macs).toBe(0);
    expect(s.totals.macs).toBe(117600 + 240000 + 48000 + 10080 + 840);
    expect(s.totals).toMatchObject({
      params: 61706,
      trainableParams: 61706,
      nonTrainableParams: 0,
    });
    model.dispose();
  });

  it('VGG-16 at 224x224: FLOPs within 2% of the cited ~15.5 GMACs (x2)', () => {
    const model = vgg({ depth: 16, kernelInitializer: 'zeros' });
    const s = summary(model);
    model.dispose();
    // Independent count: 13 'same' 3x3 convs at the stage resolutions, then 3 dense layers.
    const stages: [number, number[]][] = [
      [224, [3, 64, 64]],
      [112, [64, 128, 128]],
      [56, [128, 256, 256, 256]],
      [28, [256, 512, 512, 512]],
      [14, [512, 512, 512, 512]],
    ];
    let macs = 0;
    for (const [hw, ch] of stages) {
      for (let i = 1; i < ch.length; i++) macs += hw * hw * 9 * ch[i - 1]! * ch[i]!;
    }
    macs += 25088 * 4096 + 4096 * 4096 + 4096 * 1000;
    expect(s.totals.macs).toBe(macs);
    expect(s.totals.flops).toBe(2 * macs);
    expect(Math.abs(s.totals.macs / 15.5e9 - 1)).toBeLessThan(0.02);
    expect(s.totals.params).toBe(138357544);
  });

  it('counts BN moving statistics as non-trainable and a depthwise conv per channel', () => {
    const input = tfl.input({ shape: [8, 8, 3] });
    const d = tfl.layers
      .depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, name: 'dw' })
      .apply(input);
    const b = tfl.layers.batchNormalization({ name: 'bn' }).apply(d) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: b });
    const s = summary(model);
    expect(s.layers.find((l) => l.name === 'dw')!.macs).toBe(6 * 6 * 6 * 9);
    expect(s.layers.find((l) => l.name === 'bn')).toMatchObject({
      trainableParams: 12,
      nonTrainableParams: 12,
      macs: 0,
    });
    model.dispose();
  });

  it('formats a printable table with totals and the convention', () => {
    const model = lenet5();
    const text = formatSummary(summary(model));
    model.dispose();
    expect(text).toMatch(/^Model: lenet5/);
    expect(text).toMatch(/c1 \(Conv2D\)\s+\[null, 28, 28, 6\]\s+156\s+0\s+235\.2K/);
    expect(text).toContain('Total params: 61,706 (trainable 61,706, non-trainable 0)');
    expect(text).toContain('Convention: FLOPs = 2 x multiply-accumulates');
  });

  it('rejects what is not a model', () => {
    expect(() => summary({} as tfl.LayersModel)).toThrow(
      expect.objectContaining({ code: 'CONFIG', argument: 'model' }),
    );
  });
});
