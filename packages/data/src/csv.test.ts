import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';

describe('parseCsv', () => {
  it('reads a headed CSV with a named label column anywhere', () => {
    const ds = parseCsv('label,a,b\n1,0.5,2\n0,-1,3e2\n', { labelColumn: 'label' });
    expect(ds.size).toBe(2);
    expect(ds.shape).toEqual([2]);
    expect(Array.from(ds.x)).toEqual([0.5, 2, -1, 300]);
    expect(Array.from(ds.y)).toEqual([1, 0]);
    expect(ds.numClasses).toBe(2);
  });

  it('defaults to the last column and detects a missing header', () => {
    const ds = parseCsv('1,2,3\r\n4,5,6\r\n\r\n');
    expect(Array.from(ds.x)).toEqual([1, 2, 4, 5]);
    expect(Array.from(ds.y)).toEqual([3, 6]);
  });

  it('honours header: true/false, a negative or numeric index, delimiter, shape and numClasses', () => {
    const ds = parseCsv('1;9;1;1;0\n', {
      header: false,
      labelColumn: 1,
      delimiter: ';',
      shape: [2, 2],
      numClasses: 10,
    });
    expect(ds.shape).toEqual([2, 2]);
    expect(Array.from(ds.x)).toEqual([1, 1, 1, 0]);
    expect(Array.from(ds.y)).toEqual([9]);
    expect(ds.numClasses).toBe(10);
    const h = parseCsv('7,8,0\n1,2,1\n', { header: true, labelColumn: -1 });
    expect(Array.from(h.y)).toEqual([1]);
  });

  it('rejects a row with the wrong number of fields, naming file and line', () => {
    expect(() => parseCsv('a,b,y\n1,2,0\n1,2\n', { name: 'd.csv' })).toThrow(
      /^d\.csv: line 3 has 2 fields; expected 3 fields separated by ","; received 2/,
    );
  });

  it('rejects non-numeric features and bad labels', () => {
    expect(() => parseCsv('1,x,0\n', { name: 'd.csv', header: false })).toThrow(
      /d\.csv: line 1, column 1: not a finite number; received "x"/,
    );
    expect(() => parseCsv('a,y\n1,2.5\n', { name: 'd.csv' })).toThrow(
      /line 2, column y: label is not a non-negative integer; received "2.5"/,
    );
    expect(() => parseCsv('a,y\n1,-1\n')).toThrow(expect.objectContaining({ code: 'IO' }));
    expect(() => parseCsv('a,y\n,1\n')).toThrow(/not a finite number/);
  });

  it('rejects empty input and a single column', () => {
    expect(() => parseCsv('\n\n', { name: 'e.csv' })).toThrow(/e\.csv: empty CSV/);
    expect(() => parseCsv('1\n2\n')).toThrow(/needs a label column/);
  });

  it('rejects an unknown label column and bad options', () => {
    expect(() => parseCsv('a,b\n1,0\n', { labelColumn: 'z' })).toThrow(
      /labelColumn: no column named "z"; expected one of "a", "b"/,
    );
    expect(() => parseCsv('1,0\n', { labelColumn: 'b' })).toThrow(/the CSV has no header/);
    expect(() => parseCsv('1,0\n', { labelColumn: 2 })).toThrow(
      /labelColumn: label column out of range for csv; expected an integer in \[-2, 2\)/,
    );
    expect(() => parseCsv('1,0\n', { delimiter: '' })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
    expect(() => parseCsv(42 as unknown as string)).toThrow(/text: CSV text must be a string/);
  });
});

describe('parseCsv header detection', () => {
  it('a first data row with one bad cell is an error naming line 1, not a header', () => {
    expect(() => parseCsv('1,2,x,0\n3,4,5,1\n', { name: 't.csv' })).toThrow(/t\.csv: line 1/);
    // a real header (no numbers) is still recognised
    expect(parseCsv('a,b,c,label\n1,2,3,0\n3,4,5,1\n').size).toBe(2);
  });
});
