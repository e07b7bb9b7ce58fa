import { describe, expect, it } from 'vitest';
import { Canvas } from './canvas';
import { cssRgb, grey, linearColormap, TAB10, viridis } from './colormaps';
import { textWidth } from './font';
import { linePlot } from './line-plot';

const RED = [255, 0, 0] as const;
const WHITE = [255, 255, 255];

describe('Canvas', () => {
  it('starts white and opaque; RGBA by default, RGB on request', () => {
    const c = new Canvas(3, 2);
    expect(c.channels).toBe(4);
    expect(Array.from(c.data)).toEqual(new Array(24).fill(255));
    const rgb = new Canvas(3, 2, { channels: 3, background: [1, 2, 3] });
    expect(rgb.data.length).toBe(18);
    expect(rgb.get(2, 1)).toEqual([1, 2, 3]);
  });

  it('draws a Bresenham line: a 45-degree diagonal hits exactly the diagonal pixels', () => {
    const c = new Canvas(5, 5, { channels: 3 });
    c.line(0, 0, 4, 4, RED);
    for (let y = 0; y < 5; y++)
      for (let x = 0; x < 5; x++) expect(c.get(x, y)).toEqual(x === y ? [...RED] : WHITE);
    // a shallow line (dx 4, dy 2): one pixel a column at y = x / 2 rounded half up
    const s = new Canvas(5, 3, { channels: 3 });
    s.line(0, 0, 4, 2, RED);
    const lit = [];
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 5; x++) if (s.get(x, y)[1] === 0) lit.push([x, y]);
    expect(lit).toEqual([
      [0, 0],
      [1, 1],
      [2, 1],
      [3, 2],
      [4, 2],
    ]);
  });

  it('clips drawing outside the image and paints discs and rectangles inclusively', () => {
    const c = new Canvas(4, 4, { channels: 3 });
    c.line(-10, 1, 10, 1, RED); // whole row 1, nothing else
    expect([0, 1, 2, 3].map((x) => c.get(x, 1))).toEqual(new Array(4).fill([...RED]));
    expect(c.get(0, 0)).toEqual(WHITE);
    const d = new Canvas(5, 5, { channels: 3 });
    d.disc(2, 2, 1, RED); // r = 1: x^2 + y^2 <= 2, the full 3x3 block
    let n = 0;
    for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) if (d.get(x, y)[1] === 0) n++;
    expect(n).toBe(9);
    const r = new Canvas(4, 4, { channels: 3 });
    r.fillRect(2, 3, 1, 1, RED); // corners in any order, both included: 2 x 3
    let m = 0;
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) if (r.get(x, y)[1] === 0) m++;
    expect(m).toBe(6);
  });

  it('writes 3x5 glyphs: "1" at scale 1 is its pattern; widths count 4 pixels a glyph less 1', () => {
    const c = new Canvas(10, 7, { channels: 3 });
    c.text(2, 1, '1', RED, { scale: 1 });
    const rows = [];
    for (let y = 1; y < 6; y++) {
      let row = '';
      for (let x = 2; x < 5; x++) row += c.get(x, y)[1] === 0 ? '#' : '.';
      rows.push(row);
    }
    expect(rows.join(' ')).toBe('.#. ##. .#. .#. ###');
    expect(textWidth('10', 2)).toBe(14);
    expect(textWidth('', 2)).toBe(0);
  });

  it('paints a heat map cell by cell through the colour map, min to 0 and max to 1', () => {
    const c = new Canvas(4, 2, { channels: 3 });
    c.heatmap(0, 0, [0, 1, 2, Number.NaN], 2, 2, { scale: 2 });
    // 0 -> black, 1 -> grey(1/2) = 128, 2 -> white; NaN left unpainted (white)
    expect(c.get(0, 0)).toEqual([0, 0, 0]);
    expect(c.get(1, 1)).toEqual([0, 0, 0]);
    expect(c.get(2, 0)).toEqual([128, 128, 128]);
    const v = new Canvas(2, 1, { channels: 3 });
    v.heatmap(0, 0, [5, 7], 1, 2, { colormap: viridis, range: [5, 9] });
    expect(v.get(0, 0)).toEqual([68, 1, 84]);
    expect(v.get(1, 0)).toEqual([33, 145, 140]); // (7 - 5) / 4 = 1/2
    expect(() => v.heatmap(0, 0, [1, 2, 3], 2, 2)).toThrow(
      expect.objectContaining({ argument: 'values', code: 'SHAPE' }),
    );
  });

  it('rejects sizes and channel counts it cannot hold, naming the argument', () => {
    expect(() => new Canvas(0, 3)).toThrow(expect.objectContaining({ argument: 'width' }));
    expect(() => new Canvas(3, 1.5)).toThrow(expect.objectContaining({ argument: 'height' }));
    expect(() => new Canvas(3, 3, { channels: 1 as never })).toThrow(
      expect.objectContaining({ argument: 'options.channels' }),
    );
  });
});

describe('colour maps', () => {
  it("viridis passes through matplotlib's values at the quarter points and clamps", () => {
    expect(viridis(0)).toEqual([68, 1, 84]);
    expect(viridis(0.25)).toEqual([59, 82, 139]);
    expect(viridis(0.5)).toEqual([33, 145, 140]);
    expect(viridis(0.75)).toEqual([94, 201, 98]);
    expect(viridis(1)).toEqual([253, 231, 37]);
    expect(viridis(-3)).toEqual(viridis(0));
    expect(viridis(7)).toEqual(viridis(1));
    // halfway between the last two stops, by hand: (94 + 253) / 2 = 173.5 -> 174
    expect(viridis(0.875)).toEqual([174, 216, 68]);
  });

  it('grey, linear maps, the tab10 cycle and CSS colours', () => {
    expect(grey(0)).toEqual([0, 0, 0]);
    expect(grey(0.5)).toEqual([128, 128, 128]);
    expect(grey(1)).toEqual([255, 255, 255]);
    expect(
      linearColormap([
        [0, 0, 0],
        [100, 200, 50],
      ])(0.5),
    ).toEqual([50, 100, 25]);
    expect(() => linearColormap([[0, 0, 0]])).toThrow(
      expect.objectContaining({ argument: 'stops' }),
    );
    expect(TAB10).toHaveLength(10);
    expect(TAB10[0]).toEqual([31, 119, 180]);
    expect(cssRgb([1, 2, 3])).toBe('rgb(1,2,3)');
  });
});

describe('linePlot', () => {
  it('maps the data range onto the 20-pixel inset box and breaks lines at non-finite points', () => {
    const img = linePlot(
      [
        {
          name: 'a',
          points: [
            [0, 0],
            [1, 1],
            [2, Number.NaN],
            [3, 1],
          ],
          color: RED,
        },
        { name: 'b', points: [[0, 1]] },
      ],
      { width: 80, height: 60 },
    );
    expect(img.channels).toBe(4);
    const px = (x: number, y: number) =>
      Array.from(img.data.subarray((y * 80 + x) * 4, (y * 80 + x) * 4 + 4));
    // x in [0, 3] -> [20, 60], y in [0, 1] -> [40, 20]
    expect(px(20, 40)).toEqual([255, 0, 0, 255]);
    expect(px(33, 20)).toEqual([255, 0, 0, 255]); // (1, 1)
    expect(px(60, 20)).toEqual([255, 0, 0, 255]); // (3, 1), a lone point after the gap
    expect(px(47, 20)).not.toEqual([255, 0, 0, 255]); // no line through the NaN at x = 2
    expect(px(20, 20).slice(0, 3)).toEqual([...TAB10[1]!]); // series 'b' in its tab10 colour
    expect(px(40, 30)).toEqual([200, 200, 200, 255]); // grid at the half marks
    expect(px(5, 5)).toEqual([255, 255, 255, 255]);
  });
});
