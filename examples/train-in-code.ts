/**
 * Training from a recipe object built in code: no YAML file, the same validation and defaults.
 *
 * Run: node --import tsx examples/train-in-code.ts [OUT_DIR] [--steps N]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDiagnostics, isTuneError, resolveRecipeObject, runRecipe } from '../src/index.js';
import { builtinPlugins } from '../plugins/index.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { steps: { type: 'string', default: '20' } } });
const here = new URL('.', import.meta.url).pathname;

try {
  const recipe = resolveRecipeObject(
    {
      recipe_version: 1,
      model: { base: resolve(here, '../models/stories260k') },
      data: { datasets: [{ path: resolve(here, 'data/tasks-train.jsonl'), format: 'alpaca' }], sequence_len: 256 },
      method: { kind: 'lora', lora: { r: 8, alpha: 16, target_modules: 'all-linear' } },
      optimizer: { name: 'adamw', lr: 3e-3 },
      training: { max_steps: Number(values.steps), micro_batch_size: 8 },
      logging: { steps: 5 },
      output: { dir: resolve(positionals[0] ?? 'out/train-in-code'), overwrite: true },
    },
    { baseDir: here },
  );
  // The host passes the plugins in: here the first-party ones (`tunekit/plugins`).
  const result = await runRecipe(recipe, { plugins: builtinPlugins(), stdout: process.stdout, env: process.env, cwd: process.cwd(), handleSignals: true });
  console.log(`trained ${result.steps} steps; final loss ${result.lastLoss.toFixed(4)}; adapter in ${result.outputs['adapter']}`);
} catch (e) {
  if (!isTuneError(e)) throw e;
  process.stderr.write(formatDiagnostics(e.diagnostics));
  process.exitCode = 1;
}
