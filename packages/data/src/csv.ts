import { ConfigError, IOError } from '@trainkit/core';
import { Dataset } from './dataset';

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /** The label column: its index (negative counts from the end) or its header name. Default -1 (last). */
  labelColumn?: number | string;
  /**
   * Whether the first line is a header; `'auto'` (default) treats it as one when none of its
   * fields is a number (a first data row with one bad cell is reported, not taken as a header).
   */
  header?: boolean | 'auto';
  /** Field separator (default `,`). */
  delimiter?: string;
  /** Shape of one example (default `[numFeatures]`), e.g. `[8, 8, 1]` for the digits. */
  shape?: readonly number[];
  /** Number of classes (default `max(label) + 1`). */
  numClasses?: number;
  /** File name for error messages. */
  name?: string;
}

/**
 * Parses a numeric CSV table into a {@link Dataset}: every column except the label column is a
 * float32 feature; labels must be non-negative integers. Quoted fields are not supported.
 * A row with the wrong number of fields, a non-numeric value or a bad label -> `IOError`
 * naming the file, line and column.
 *
 * @example
 * const ds = parseCsv('a,b,label\n0.5,1,0\n2,3,1\n', { labelColumn: 'label' });
 */
export function parseCsv(text: string, options: CsvOptions = {}): Dataset {
  const name = options.name ?? 'csv';
  const delimiter = options.delimiter ?? ',';
  if (typeof text !== 'string') {
    throw new ConfigError('CSV text must be a string', { argument: 'text', received: text });
  }
  if (typeof delimiter !== 'string' || delimiter.length === 0) {
    throw new ConfigError('delimiter must be a non-empty string', {
      argument: 'delimiter',
      received: delimiter,
    });
  }
  const lines = text.split(/\r?\n/);
  const rows: { line: number; fields: string[] }[] = [];
  lines.forEach((l, i) => {
    if (l.trim() !== '')
      rows.push({ line: i + 1, fields: l.split(delimiter).map((f) => f.trim()) });
  });
  if (rows.length === 0)
    throw new IOError('empty CSV', { argument: name, expected: 'at least one data row' });
  const first = rows[0]!;
  const header =
    options.header === 'auto' || options.header === undefined
      ? first.fields.every((f) => f.trim() === '' || !Number.isFinite(Number(f)))
      : options.header;
  const columns = header ? first.fields : first.fields.map((_, i) => String(i));
  const data = header ? rows.slice(1) : rows;
  const width = columns.length;
  if (width < 2) {
    throw new IOError('CSV needs a label column and at least one feature', {
      argument: name,
      receivedText: `${width} column`,
    });
  }
  const labelIndex = resolveColumn(options.labelColumn ?? -1, columns, header, name);
  const nf = width - 1;
  const x = new Float32Array(data.length * nf);
  const y = new Int32Array(data.length);
  data.forEach(({ line, fields }, r) => {
    if (fields.length !== width) {
      throw new IOError(`line ${line} has ${fields.length} fields`, {
        argument: name,
        expected: `${width} fields separated by ${JSON.stringify(delimiter)}`,
        receivedText: `${fields.length}`,
      });
    }
    let k = 0;
    for (let c = 0; c < width; c++) {
      const f = fields[c]!;
      const v = f === '' ? Number.NaN : Number(f);
      if (c === labelIndex) {
        if (!Number.isInteger(v) || v < 0) {
          throw new IOError(
            `line ${line}, column ${columns[c]}: label is not a non-negative integer`,
            {
              argument: name,
              received: f,
            },
          );
        }
        y[r] = v;
      } else {
        if (!Number.isFinite(v)) {
          throw new IOError(`line ${line}, column ${columns[c]}: not a finite number`, {
            argument: name,
            received: f,
          });
        }
        x[r * nf + k++] = v;
      }
    }
  });
  return new Dataset({
    x,
    y,
    shape: options.shape ?? [nf],
    ...(options.numClasses === undefined ? {} : { numClasses: options.numClasses }),
  });
}

function resolveColumn(
  col: number | string,
  columns: string[],
  header: boolean,
  name: string,
): number {
  if (typeof col === 'string') {
    const i = header ? columns.indexOf(col) : -1;
    if (i < 0) {
      throw new ConfigError(
        `no column named ${JSON.stringify(col)}${header ? '' : ' (the CSV has no header)'}`,
        {
          argument: 'labelColumn',
          expected: header
            ? `one of ${columns.map((c) => JSON.stringify(c)).join(', ')}`
            : 'a column index',
          received: col,
        },
      );
    }
    return i;
  }
  const i = Number.isInteger(col) ? (col < 0 ? columns.length + col : col) : -1;
  if (i < 0 || i >= columns.length) {
    throw new ConfigError(`label column out of range for ${name}`, {
      argument: 'labelColumn',
      expected: `an integer in [-${columns.length}, ${columns.length})`,
      received: col,
    });
  }
  return i;
}
