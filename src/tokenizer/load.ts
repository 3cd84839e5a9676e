import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer as LibTokenizer } from '@huggingface/tokenizers';
import { fail } from '../diagnostics/index.js';
import { resolveChatTemplate } from './chat-template.js';
import { speedUpByteLevel } from './fast-byte-level.js';
import { gpt2TokenizerJson } from './gpt2-files.js';
import { HfTokenizer } from './hf-tokenizer.js';
import { readJsonFile } from './read-json-file.js';
import { resolveSpecialTemplate, specialToken } from './special-tokens.js';
import type { Tokenizer, TokenizerOverrides } from './types.js';

type Json = Record<string, unknown>;

const HINT = 'a tokenizer folder holds tokenizer.json (+ tokenizer_config.json), or a GPT-2 style vocab.json + merges.txt';

function readOptional(file: string): Json {
  if (!existsSync(file)) return {};
  const v = readJsonFile(file, 'TOKENIZER_CORRUPT', HINT);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    fail('TOKENIZER_CORRUPT', `${file} must hold a JSON object`, { file, hint: HINT });
  }
  return v as Json;
}

function checkTokenizerJson(tj: unknown, file: string): Json {
  if (tj === null || typeof tj !== 'object' || Array.isArray(tj)) {
    fail('TOKENIZER_CORRUPT', `${file} must hold a JSON object`, { file, hint: HINT });
  }
  const model = (tj as Json)['model'] as Json | undefined;
  if (!model || typeof model !== 'object' || typeof model['vocab'] !== 'object') {
    fail('TOKENIZER_CORRUPT', `${file} has no \`model.vocab\``, { file, path: '/model/vocab', expected: 'a tokenizer.json written by HF tokenizers', hint: HINT });
  }
  const t = tj as Json;
  // The library indexes these keys directly; tokenizer.json files written by older versions may omit them.
  for (const k of ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder']) if (!(k in t)) t[k] = null;
  if (!Array.isArray(t['added_tokens'])) t['added_tokens'] = [];
  if (model['type'] === 'BPE' && !Array.isArray(model['merges'])) model['merges'] = [];
  return t;
}

/** generation_config.json `eos_token_id` (int or list): extra stop ids transformers uses. */
function generationEosIds(dir: string): number[] {
  const gc = readOptional(join(dir, 'generation_config.json'));
  const e = gc['eos_token_id'];
  if (typeof e === 'number') return [e];
  if (Array.isArray(e)) return e.filter((x): x is number => typeof x === 'number');
  return [];
}

/**
 * Load a Hugging Face tokenizer folder: tokenizer.json (or vocab.json + merges.txt), tokenizer_config.json,
 * special_tokens_map.json, chat_template.jinja, generation_config.json. BOS/EOS follow transformers
 * (`add_bos_token` / `add_eos_token`, else the TemplateProcessing post-processor); the pad token falls back
 * to EOS (then {@link Tokenizer.padIsEos} is true and padding is masked by position).
 *
 * @example
 * const tok = await loadTokenizer('tests/fixtures/parity/gpt2/model');
 * tok.encode('Hello world'); // [15496, 995]
 */
export async function loadTokenizer(dir: string, overrides: TokenizerOverrides = {}): Promise<Tokenizer> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    fail('TOKENIZER_NOT_FOUND', `tokenizer folder ${dir} does not exist`, { file: dir, hint: HINT });
  }
  const tjFile = join(dir, 'tokenizer.json');
  const cfgFile = join(dir, 'tokenizer_config.json');
  const mapFile = join(dir, 'special_tokens_map.json');
  const config = readOptional(cfgFile);
  const map = readOptional(mapFile);
  const files: string[] = [];
  let tj: Json;
  if (existsSync(tjFile)) {
    tj = checkTokenizerJson(readJsonFile(tjFile, 'TOKENIZER_CORRUPT', HINT), tjFile);
    files.push(tjFile);
  } else {
    const fallback = gpt2TokenizerJson(dir, config);
    if (!fallback) {
      fail('TOKENIZER_NOT_FOUND', `no tokenizer.json in ${dir}`, { file: tjFile, hint: HINT });
    }
    tj = fallback;
    files.push(join(dir, 'vocab.json'), join(dir, 'merges.txt'));
  }
  for (const f of [cfgFile, mapFile, join(dir, 'chat_template.jinja'), join(dir, 'generation_config.json')]) {
    if (existsSync(f)) files.push(f);
  }

  let lib: LibTokenizer;
  try {
    lib = new LibTokenizer(tj, config);
    speedUpByteLevel(lib);
  } catch (e) {
    fail('TOKENIZER_UNSUPPORTED', `cannot build the tokenizer in ${tjFile}: ${(e as Error).message}`, { file: tjFile, hint: HINT });
  }

  const bos = specialToken('bos_token', config, map);
  const eos = specialToken('eos_token', config, map);
  const unk = specialToken('unk_token', config, map);
  let pad = overrides.padToken ?? specialToken('pad_token', config, map);
  for (const [name, tok] of [['bos_token', bos], ['eos_token', eos], ['pad_token', pad]] as const) {
    if (tok !== null && lib.token_to_id(tok) === undefined) {
      const fromRecipe = name === 'pad_token' && overrides.padToken;
      fail('TOKENIZER_UNKNOWN_TOKEN', `${name} \`${tok}\` is not in the vocabulary of ${dir}`, {
        ...(fromRecipe ? {} : { file: cfgFile }),
        hint: fromRecipe ? 'tokenizer.pad_token must name an existing token (leave it null to pad with EOS)' : HINT,
      });
    }
  }
  const padFromEos = pad === null && eos !== null;
  if (padFromEos) pad = eos;
  const id = (t: string | null): number | null => (t === null ? null : (lib.token_to_id(t) ?? null));
  const template = resolveSpecialTemplate({
    postProcessor: tj['post_processor'],
    config,
    bosId: id(bos),
    eosId: id(eos),
    addBos: overrides.addBos,
    addEos: overrides.addEos,
  });
  return new HfTokenizer({
    dir,
    files,
    lib,
    template,
    tokens: { bos, eos, pad, unk },
    extraEosIds: generationEosIds(dir),
    padFromEos,
    chatTemplate: resolveChatTemplate(dir, config, overrides.chatTemplate, overrides.baseDir),
    cleanUpSpaces: config['clean_up_tokenization_spaces'] !== false,
  });
}
