import { fail } from '../diagnostics/index.js';
import type { Tokenizer } from './types.js';

/**
 * A stand-in tokenizer for runs whose data is already token ids (`format: tokenized`) on a model
 * folder without tokenizer files: it knows the vocabulary size and special ids from config.json and
 * refuses any text operation with a clear diagnostic.
 */
export function idsOnlyTokenizer(dir: string, config: { vocab_size?: unknown; eos_token_id?: unknown; bos_token_id?: unknown; pad_token_id?: unknown }): Tokenizer {
  const id = (v: unknown): number | null => (typeof v === 'number' ? v : Array.isArray(v) && typeof v[0] === 'number' ? (v[0] as number) : null);
  const eos = id(config.eos_token_id);
  const pad = id(config.pad_token_id) ?? eos ?? 0;
  const noText = (): never =>
    fail('TOKENIZER_NOT_FOUND', `${dir} has no tokenizer files; only pre-tokenized data (format: tokenized) can be used with it`, {
      file: dir,
      hint: 'set tokenizer.path to a folder with tokenizer.json',
    });
  return {
    dir,
    files: [],
    encode: noText,
    tokenize: noText,
    decode: noText,
    idToToken: () => undefined,
    tokenToId: () => undefined,
    bosToken: null,
    bosTokenId: id(config.bos_token_id),
    eosToken: null,
    eosTokenId: eos,
    eosTokenIds: eos === null ? [] : [eos],
    padToken: null,
    padTokenId: pad,
    padIsEos: id(config.pad_token_id) === null,
    unkTokenId: null,
    addBosToken: false,
    addEosToken: false,
    vocabSize: typeof config.vocab_size === 'number' ? config.vocab_size : 0,
    specialTokenIds: new Set(eos === null ? [] : [eos]),
    chatTemplate: null,
    applyChatTemplate: noText,
  };
}
