/**
 * The first-party plugins: what the `tune` CLI (and a program that passes them to the API) runs
 * with. The core never imports this folder; the entry point hands this list in.
 *
 * @example
 * import { runRecipe } from 'tunekit';
 * import { builtinPlugins } from 'tunekit/plugins';
 * await runRecipe(recipe, { plugins: builtinPlugins(), stdout: process.stdout, env: process.env, cwd: process.cwd() });
 */
import type { PluginCatalog } from '../src/plugin-api.js';
import alpaca from './alpaca/index.js';
import chat from './chat/index.js';
import completion from './completion/index.js';
import exactMatch from './exact-match/index.js';
import full from './full/index.js';
import inputOutput from './input-output/index.js';
import lora from './lora/index.js';
import metricsJsonl from './metrics-jsonl/index.js';
import optimizers from './optimizers/index.js';
import qlora from './qlora/index.js';
import tensorboard from './tensorboard/index.js';
import tfjs from './tfjs/index.js';
import tokenized from './tokenized/index.js';

/**
 * Every first-party plugin, in hook order (qlora quantizes the base before lora wraps it), and which
 * of them every recipe loads: all but those that need options (`exact-match`), which a recipe names
 * under `plugins:`.
 */
export function builtinPlugins(): PluginCatalog {
  const all = [alpaca, completion, chat, inputOutput, tokenized, qlora, lora, full, optimizers, tfjs, metricsJsonl, tensorboard, exactMatch];
  return { plugins: all, implicit: all.filter((p) => p !== exactMatch).map((p) => p.name) };
}
