import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile } from './read-json-file.js';

/**
 * Build a tokenizer.json object from a GPT-2 style `vocab.json` + `merges.txt` folder (what the slow
 * GPT2Tokenizer reads), so folders without tokenizer.json still load. Returns null when the files are absent.
 */
export function gpt2TokenizerJson(dir: string, config: Record<string, unknown>): Record<string, unknown> | null {
  const vocabFile = join(dir, 'vocab.json');
  const mergesFile = join(dir, 'merges.txt');
  if (!existsSync(vocabFile) || !existsSync(mergesFile)) return null;
  const vocab = readJsonFile(vocabFile, 'TOKENIZER_CORRUPT', 'vocab.json must map token strings to ids') as Record<string, number>;
  const merges = readFileSync(mergesFile, 'utf8')
    .split('\n')
    .filter((l, i) => l.length > 0 && !(i === 0 && l.startsWith('#version')));
  const addPrefixSpace = config['add_prefix_space'] === true;
  const byteLevel = { type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: true, use_regex: true };
  const added = Object.hasOwn(vocab, '<|endoftext|>')
    ? [{ id: vocab['<|endoftext|>'], content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }]
    : [];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges },
  };
}
