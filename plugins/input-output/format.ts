/**
 * `input_output`: pre-segmented text, `{"segments": [{"text": "...", "label": true|false}, ...]}`
 * (Axolotl's input_output format). Each segment is tokenized on its own without special tokens and the
 * pieces are concatenated, so the text is trained exactly where `label` is true. BOS is prepended (not
 * trained) when the tokenizer adds BOS; EOS is not added — write it into the last segment if wanted.
 */
import { type DatasetFormat, type Example, IGNORE_INDEX, typeOfValue } from '../../src/plugin-api.js';
import { SEGMENTS_FIELD } from './schema.js';

export const inputOutput: DatasetFormat = {
  name: 'input_output',
  description: 'text segments, each trained or not by its `label`',
  keys: { segments_field: { schema: SEGMENTS_FIELD } },

  promisesEos() {
    return false;
  },

  validateRow(row, ctx) {
    const key = (ctx.dataset['segments_field'] as string | undefined) ?? 'segments';
    const segs = row[key];
    if (!Array.isArray(segs) || segs.length === 0) {
      return { field: key, message: segs === undefined ? 'is missing' : 'is not a non-empty list', expected: 'a list of {text, label}', found: segs === undefined ? 'nothing' : typeOfValue(segs) };
    }
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i] as Record<string, unknown> | null;
      if (s === null || typeof s !== 'object' || Array.isArray(s)) return { field: `${key}[${i}]`, message: 'is not an object', expected: '{text, label}', found: typeOfValue(s) };
      if (typeof s['text'] !== 'string') return { field: `${key}[${i}].text`, message: 'is not a string', expected: 'a string', found: typeOfValue(s['text']) };
      if (typeof s['label'] !== 'boolean') return { field: `${key}[${i}].label`, message: 'is not a boolean', expected: 'true or false', found: typeOfValue(s['label']) };
    }
    return null;
  },

  toExample(row, ctx): Example {
    const segs = row[(ctx.dataset['segments_field'] as string | undefined) ?? 'segments'] as { text: string; label: boolean }[];
    const tok = ctx.tokenizer;
    const input_ids: number[] = [];
    const labels: number[] = [];
    if (tok.addBosToken && tok.bosTokenId !== null) {
      input_ids.push(tok.bosTokenId);
      labels.push(IGNORE_INDEX);
    }
    for (const s of segs) {
      const ids = tok.encode(s.text, { addSpecialTokens: false });
      input_ids.push(...ids);
      const train = s.label || ctx.dataset.train_on_inputs;
      for (const id of ids) labels.push(train ? id : IGNORE_INDEX);
    }
    return { input_ids, labels };
  },
};

