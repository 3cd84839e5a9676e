/**
 * An HF model folder on disk → normalized config, lazy weight access under canonical names,
 * tokenizer file paths and generation_config.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from '../../diagnostics/index.js';
import { failFs } from '../fs-errors.js';
import { parseJsonObject } from '../read-json.js';
import { findWeightsFile, openWeights as openWeightsFile } from '../safetensors/weights.js';
import type { HostTensor, TensorInfo, TensorSource } from '../safetensors/types.js';
import type { HfModelConfig } from './config-types.js';
import { normalizeHfConfig } from './normalize-config.js';
import { canonicalNameMap } from './weight-names.js';

/** Tokenizer files found in a model folder (absolute or as joined from the folder path). */
export interface TokenizerFiles {
  tokenizerJson?: string;
  tokenizerConfig?: string;
  specialTokensMap?: string;
  addedTokens?: string;
  vocabJson?: string;
  mergesTxt?: string;
  sentencepieceModel?: string;
  chatTemplate?: string;
}

/** The tokenizer file names HF folders use, by field. */
export const TOKENIZER_FILE_NAMES: Readonly<Record<keyof TokenizerFiles, string>> = {
  tokenizerJson: 'tokenizer.json',
  tokenizerConfig: 'tokenizer_config.json',
  specialTokensMap: 'special_tokens_map.json',
  addedTokens: 'added_tokens.json',
  vocabJson: 'vocab.json',
  mergesTxt: 'merges.txt',
  sentencepieceModel: 'tokenizer.model',
  chatTemplate: 'chat_template.jinja',
};

/** A loaded model folder. Weights are opened on demand with {@link HfModelFolder.openWeights}. */
export interface HfModelFolder {
  dir: string;
  configPath: string;
  config: HfModelConfig;
  /** generation_config.json as read, or null when absent. */
  generationConfig: Record<string, unknown> | null;
  /** `model.safetensors` or `model.safetensors.index.json`. */
  weightsPath: string;
  /** Tokenizer files present; null when the folder has none. */
  tokenizer: TokenizerFiles | null;
  /** Open the weights; names are canonical (see weight-names.ts). Close the source when done. */
  openWeights(): Promise<TensorSource>;
}

/** Options of {@link openHfModelFolder}. */
export interface OpenHfModelOptions {
  /** Fail with IO_HF_NO_TOKENIZER when the folder has no tokenizer files (default false). */
  requireTokenizer?: boolean;
}

async function exists(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}

/** Find the tokenizer files of a folder; null when there are none. */
export async function findTokenizerFiles(dir: string): Promise<TokenizerFiles | null> {
  const out: TokenizerFiles = {};
  for (const [key, name] of Object.entries(TOKENIZER_FILE_NAMES) as [keyof TokenizerFiles, string][]) {
    const p = join(dir, name);
    if (await exists(p)) out[key] = p;
  }
  return out.tokenizerJson || out.vocabJson || out.sentencepieceModel ? out : null;
}

/**
 * Load an HF model folder: config.json (normalized), generation_config.json, the weights file and
 * tokenizer files. Fails with IO_HF_NOT_A_MODEL_DIR, IO_JSON_INVALID, IO_HF_CONFIG_INVALID,
 * IO_HF_NO_WEIGHTS / IO_HF_PICKLE_WEIGHTS or IO_HF_NO_TOKENIZER.
 *
 * @example
 * const m = await openHfModelFolder('models/stories260k', { requireTokenizer: true });
 * const w = await m.openWeights();
 * try { const emb = await w.read('model.embed_tokens.weight'); } finally { await w.close(); }
 */
export async function openHfModelFolder(dir: string, options: OpenHfModelOptions = {}): Promise<HfModelFolder> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) {
    fail('IO_HF_NOT_A_MODEL_DIR', st ? `${dir} is a file, not a model folder` : `model folder not found: ${dir}`, {
      file: dir, expected: 'a folder with config.json and model.safetensors', found: st ? 'a file' : 'nothing',
      hint: st ? 'name the folder that holds config.json' : 'check the path, or use an `org/name` hub id to download the model',
    });
  }
  const configPath = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      fail('IO_HF_NOT_A_MODEL_DIR', `${dir} has no config.json`, {
        file: dir, expected: 'config.json', found: 'no config.json',
        hint: 'point at the folder written by save_pretrained (it holds config.json); an adapter folder needs --adapter',
      });
    }
    failFs(e, configPath, 'config.json');
  }
  const config = normalizeHfConfig(parseJsonObject(text, configPath, 'config.json'), { file: configPath, text });
  const genPath = join(dir, 'generation_config.json');
  let generationConfig: Record<string, unknown> | null = null;
  if (await exists(genPath)) generationConfig = parseJsonObject(await readFile(genPath, 'utf8').catch((e: unknown) => failFs(e, genPath, 'generation_config.json')), genPath, 'generation_config.json');
  const weightsPath = await findWeightsFile(dir);
  if (!weightsPath) {
    const pickle = ['pytorch_model.bin', 'pytorch_model.bin.index.json'];
    const hasPickle = (await Promise.all(pickle.map((p) => exists(join(dir, p))))).some(Boolean);
    fail(hasPickle ? 'IO_HF_PICKLE_WEIGHTS' : 'IO_HF_NO_WEIGHTS', hasPickle ? `${dir} has only pickle weights (pytorch_model.bin)` : `${dir} has no safetensors weights`, {
      file: dir, expected: 'model.safetensors or model.safetensors.index.json + shards', found: hasPickle ? 'pytorch_model.bin' : 'no weights file',
      hint: hasPickle
        ? 'tunekit reads only safetensors (pickle can run code); convert with `model.save_pretrained(dir, safe_serialization=True)` in Python'
        : 'the download may be incomplete, or the folder holds only a config',
    });
  }
  const tokenizer = await findTokenizerFiles(dir);
  if (!tokenizer && options.requireTokenizer) {
    fail('IO_HF_NO_TOKENIZER', `${dir} has no tokenizer files`, {
      file: dir, expected: 'tokenizer.json (or vocab.json + merges.txt, or tokenizer.model)', found: 'none',
      hint: 'copy the tokenizer files of the base model into the folder, or name a tokenizer separately',
    });
  }
  return {
    dir, configPath, config, generationConfig, weightsPath, tokenizer,
    openWeights: async () => canonicalSource(await openWeightsFile(weightsPath), config),
  };
}

/** Present a checkpoint under canonical names (GPT-2 prefix added, buffers and tied lm_head dropped). */
export function canonicalSource(src: TensorSource, config: Pick<HfModelConfig, 'modelType' | 'tieWordEmbeddings'>): TensorSource {
  const map = canonicalNameMap(config, src.names);
  const names = Object.freeze([...map.keys()]);
  const stored = (name: string): string => map.get(name) ?? name;
  return {
    names,
    info: (name: string): TensorInfo | undefined => (map.has(name) ? src.info(stored(name)) : undefined),
    read: (name: string): Promise<HostTensor> => src.read(stored(name)),
    readRaw: (name: string): Promise<Uint8Array> => src.readRaw(stored(name)),
    close: () => src.close(),
    async *[Symbol.asyncIterator](): AsyncIterator<[string, HostTensor]> {
      for (const name of names) yield [name, await src.read(stored(name))];
    },
  };
}
