import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { diag, formatDiagnostics } from '../diagnostics/index.js';
import { collectContributions } from '../recipe/contributions.js';
import { starterRecipe } from '../recipe/starter.js';
import { catalogOf, defineCommand, usage } from './command.js';

const USAGE = `usage: tune init [--method KIND] [--model DIR] [--force] [FILE]

Write a commented starter recipe (default FILE: recipe.yaml) that validates as written.

options:
  --method KIND   the method kind (default lora; the method plugins register full, lora, qlora)
  --model DIR     a local Hugging Face model folder; its config picks the LoRA targets
                  and the sequence length
  --force         overwrite FILE if it exists
  -h, --help      show this help
`;

/** `tune init`: write a starter recipe. */
export const command = defineCommand({
  name: 'init',
  summary: 'write a commented starter recipe',
  usage: USAGE,
  options: { method: { type: 'string', default: 'lora' }, model: { type: 'string' }, force: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    const registry = collectContributions(catalogOf(io).plugins);
    const method = registry.methods.find((m) => m.name === values.method);
    if (!method) throw usage('init', `unknown --method \`${String(values.method)}\``, { expected: registry.methods.map((m) => m.name).join(', ') });
    if (positionals.length > 1) throw usage('init', 'give at most one FILE');
    const file = positionals[0] ?? 'recipe.yaml';
    const abs = resolve(io.cwd, file);
    if (values.model !== undefined) {
      const modelAbs = resolve(io.cwd, values.model);
      if (!existsSync(resolve(modelAbs, 'config.json'))) {
        io.stderr.write(formatDiagnostics([diag('RECIPE_MODEL_FOLDER', `\`${values.model}\` is not a model folder (no config.json)`, { hint: 'give a local Hugging Face model folder' })]));
        return 1;
      }
    }
    if (existsSync(abs) && !values.force) {
      io.stderr.write(formatDiagnostics([diag('CLI_USAGE', `\`${file}\` already exists`, { hint: 'choose another file name, or pass --force to overwrite it' })]));
      return 1;
    }
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, starterRecipe({ method, registry, file: abs, ...(values.model !== undefined ? { modelDir: resolve(io.cwd, values.model) } : {}) }));
    io.stdout.write(`wrote ${file} (${method.name}); check it with \`tune validate ${file}\`\n`);
    return 0;
  },
});
