/**
 * `completion`: raw text for pretraining and continued pretraining, with Hugging Face `run_clm.py`
 * `group_texts` semantics: every document is tokenized (BOS per the tokenizer), EOS is appended between
 * documents, everything is concatenated and cut into `sequence_len` blocks whose labels equal the
 * inputs; the remainder shorter than a block is dropped. (run_clm drops a remainder per map batch of
 * 1000 rows; here the whole dataset is one stream, so only the final remainder is lost.)
 */
import { type DatasetFormat, type Example, typeOfValue } from '../../src/plugin-api.js';
import { TEXT_FIELD } from './schema.js';

export const completion: DatasetFormat = {
  name: 'completion',
  description: 'plain text for (continued) pretraining, concatenated and cut into `sequence_len` blocks',
  keys: { text_field: { schema: TEXT_FIELD } },
  fixedLength: true,

  promisesEos(ctx) {
    return ctx.tokenizer.eosTokenId !== null;
  },

  validateRow(row, ctx) {
    const key = (ctx.dataset['text_field'] as string | undefined) ?? 'text';
    const v = row[key];
    if (typeof v === 'string') return null;
    return { field: key, message: v === undefined ? 'is missing' : `is a ${typeOfValue(v)}`, expected: 'a string', found: v === undefined ? 'nothing' : typeOfValue(v) };
  },

  toExample(row, ctx): Example | null {
    const text = row[(ctx.dataset['text_field'] as string | undefined) ?? 'text'] as string;
    // An empty line (HF's text loader yields them) is not a document.
    if (text.length === 0) return null;
    const ids = ctx.tokenizer.encode(text);
    const eos = ctx.tokenizer.eosTokenId;
    if (eos !== null && ids[ids.length - 1] !== eos) ids.push(eos);
    return { input_ids: ids, labels: ids.slice() };
  },

  finalize(examples, ctx): Example[] {
    const block = ctx.sequenceLen;
    let total = 0;
    for (const e of examples) total += e.input_ids.length;
    const usable = Math.floor(total / block) * block;
    const out: Example[] = [];
    let cur: number[] = [];
    for (const e of examples) {
      for (const id of e.input_ids) {
        if (out.length * block >= usable) break;
        cur.push(id);
        if (cur.length === block) {
          out.push({ input_ids: cur, labels: cur.slice() });
          cur = [];
        }
      }
    }
    return out;
  },
};

