import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fail } from '../diagnostics/index.js';
import { findTokenizerFiles, saveHfFolder } from '../io/hf/index.js';
import { mergeAdapter } from '../models/adapter-merge.js';
import { modelCatalog, readModelConfig } from '../models/catalog.js';
import { normalizeWeightNames, readHfWeights } from '../models/hf-weights.js';
import { defineCommand } from './command.js';

const USAGE = `usage: tune merge ADAPTER [--base MODEL] --out DIR

Fold a PEFT LoRA adapter into its base model (W += scaling·B@A, as PEFT's merge_and_unload) and write
a Hugging Face model folder (config, weights, tokenizer files). --base defaults to the adapter's
base_model_name_or_path when that is a local folder.`;

/** The base folder named by an adapter, when it is a local path (relative paths from the adapter). */
function baseFromAdapter(adapterDir: string): string | null {
  const file = join(adapterDir, 'adapter_config.json');
  if (!existsSync(file)) return null;
  const base = (JSON.parse(readFileSync(file, 'utf8')) as { base_model_name_or_path?: unknown }).base_model_name_or_path;
  if (typeof base !== 'string' || !base) return null;
  const dir = isAbsolute(base) ? base : resolve(adapterDir, base);
  return existsSync(join(dir, 'config.json')) ? dir : null;
}

/** `tune merge`: fold an adapter into its base model. */
export const command = defineCommand({
  name: 'merge',
  summary: 'merge a LoRA adapter into its base model and write an HF folder',
  usage: USAGE,
  options: { base: { type: 'string' }, out: { type: 'string' }, into: { type: 'string' } },
  async run(parsed, io) {
    const [adapterArg, ...extra] = parsed.positionals;
    if (!adapterArg || extra.length) fail('CLI_USAGE', adapterArg ? `unexpected argument \`${extra[0]}\`` : 'tune merge needs an adapter folder', { hint: USAGE });
    const outArg = parsed.values.out ?? parsed.values.into;
    if (!outArg) fail('CLI_USAGE', 'tune merge needs --out DIR', { hint: USAGE });
    const adapter = resolve(io.cwd, adapterArg);
    const base = parsed.values.base !== undefined ? resolve(io.cwd, parsed.values.base) : baseFromAdapter(adapter);
    if (!base) fail('CLI_USAGE', 'the adapter does not name a local base model; pass --base MODEL', { file: join(adapter, 'adapter_config.json'), hint: USAGE });
    const out = resolve(io.cwd, outArg);
    if (out === base || out === adapter) fail('CLI_USAGE', '--out must be a new folder, not the base model or the adapter', { hint: 'choose another --out' });
    const config = readModelConfig(base);
    const catalog = modelCatalog(config);
    const { weights } = normalizeWeightNames(await readHfWeights(base), catalog);
    const changed = await mergeAdapter(weights, adapter, catalog);
    const rawConfig = JSON.parse(readFileSync(join(base, 'config.json'), 'utf8')) as Record<string, unknown>;
    const tensors = new Map([...weights].filter(([name]) => catalog.parameters.some((p) => p.name === name)));
    const hasTokenizer = (await findTokenizerFiles(base)) !== null;
    await saveHfFolder(out, { config: rawConfig, tensors, ...(hasTokenizer ? { tokenizerFrom: base } : {}) });
    io.stdout.write(`merged ${changed.length} tensors of ${adapterArg} into ${parsed.values.base ?? base}; wrote ${outArg}${hasTokenizer ? '' : ' (the base has no tokenizer files to copy)'}\n`);
    return 0;
  },
});
