/**
 * `tokenized`: rows that already hold `input_ids` (optional `labels`, `attention_mask`), used as is.
 * Labels default to the inputs; positions where `attention_mask` is 0 must be trailing padding and are
 * removed (the collator pads again).
 */
import { type DatasetFormat, type Example, IGNORE_INDEX, type RowProblem, typeOfValue } from '../../src/plugin-api.js';

function intList(v: unknown, field: string, ok: (x: number) => boolean, want: string): RowProblem | null {
  if (!Array.isArray(v)) return { field, message: v === undefined ? 'is missing' : `is a ${typeOfValue(v)}`, expected: 'a list of integers', found: v === undefined ? 'nothing' : typeOfValue(v) };
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as unknown;
    if (typeof x !== 'number' || !Number.isInteger(x) || !ok(x)) return { field: `${field}[${i}]`, message: `is ${JSON.stringify(x)}`, expected: want, found: JSON.stringify(x) };
  }
  return null;
}

export const tokenized: DatasetFormat = {
  name: 'tokenized',
  description: 'rows that already hold `input_ids` (and optionally `labels`), used as they are',

  promisesEos() {
    return false;
  },

  validateRow(row, ctx) {
    const V = ctx.tokenizer.vocabSize;
    const ids = row['input_ids'];
    const p = intList(ids, 'input_ids', (x) => x >= 0 && x < V, `an id in [0, ${V})`);
    if (p) return p;
    const n = (ids as number[]).length;
    if (n === 0) return { field: 'input_ids', message: 'is empty', expected: 'at least one id', found: '[]' };
    for (const [key, ok, want] of [
      ['labels', (x: number) => x === IGNORE_INDEX || (x >= 0 && x < V), `-100 or an id in [0, ${V})`],
      ['attention_mask', (x: number) => x === 0 || x === 1, '0 or 1'],
    ] as const) {
      const v = row[key];
      if (v === undefined || v === null) continue;
      const q = intList(v, key, ok, want);
      if (q) return q;
      if ((v as number[]).length !== n) return { field: key, message: `has ${(v as number[]).length} entries but input_ids has ${n}`, expected: `${n} entries`, found: String((v as number[]).length) };
    }
    const mask = row['attention_mask'] as number[] | undefined | null;
    if (mask) {
      const first0 = mask.indexOf(0);
      if (first0 >= 0 && mask.slice(first0).some((x) => x === 1)) {
        return { field: 'attention_mask', message: 'has 0s before the end (only right padding is supported)', expected: '1…1 0…0', found: `0 at position ${first0}` };
      }
    }
    return null;
  },

  toExample(row): Example {
    const ids = row['input_ids'] as number[];
    const mask = row['attention_mask'] as number[] | undefined | null;
    const n = mask ? (mask.indexOf(0) < 0 ? ids.length : mask.indexOf(0)) : ids.length;
    const labels = (row['labels'] as number[] | undefined | null) ?? ids;
    return { input_ids: ids.slice(0, n), labels: labels.slice(0, n) };
  },
};

