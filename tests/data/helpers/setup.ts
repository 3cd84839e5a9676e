import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_DEFAULTS, type DataConfig, type DatasetConfig } from '../../../src/data/config.js';
import { loadTokenizer, type Tokenizer } from '../../../src/tokenizer/index.js';
import { TuneError } from '../../../src/diagnostics/index.js';

export const GPT2_DIR = 'tests/fixtures/parity/gpt2/model';
export const STORIES_DIR = 'models/stories260k';

const cache = new Map<string, Promise<Tokenizer>>();
export function tokenizer(dir = GPT2_DIR): Promise<Tokenizer> {
  let t = cache.get(dir);
  if (!t) cache.set(dir, (t = loadTokenizer(dir)));
  return t;
}

export function tmp(prefix = 'tk-data-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Write files into a fresh temp folder; returns the folder. */
export function files(map: Record<string, string | Uint8Array>): string {
  const dir = tmp();
  for (const [name, content] of Object.entries(map)) writeFileSync(join(dir, name), content);
  return dir;
}

export function jsonl(rows: unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

export function dataConfig(datasets: DatasetConfig[], over: Partial<DataConfig> = {}): DataConfig {
  return { ...DATA_DEFAULTS, shuffle: false, cache_dir: tmp('tk-cache-'), datasets, ...over };
}

/** Assert a promise rejects with a TuneError; returns its first diagnostic for further checks. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<NonNullable<TuneError['diagnostics'][0]>> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof TuneError)) throw e;
    if (e.code !== code) throw new Error(`expected ${code}, got ${e.code}: ${e.message}`);
    return e.diagnostics[0]!;
  }
  throw new Error(`expected ${code}, but it resolved`);
}
