import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { diag, formatDiagnostics } from '../diagnostics/index.js';
import { starterRecipe } from '../recipe/starter.js';
import { type Command, usageError } from './command.js';

const USAGE = `usage: tune init [--method full|lora|qlora] [--model DIR] [--force] [FILE]

Write a commented starter recipe (default FILE: recipe.yaml) that validates as written.

options:
  --method full|lora|qlora   fine-tuning method (default lora)
  --model DIR                a local Hugging Face model folder; its config picks the LoRA targets
                             and the sequence length
  --force                    overwrite FILE if it exists
  -h, --help                 show this help
`;


/** `tune init`: write a starter recipe. */
export const command: Command = {
  name: 'init',
  summary: 'write a commented starter recipe',
  usage: USAGE,
  async run(argv, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          method: { type: 'string', default: 'lora' },
          model: { type: 'string' },
          force: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (e) {
      return usageError(io, 'init', (e as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const method = values.method;
    if (method !== 'full' && method !== 'lora' && method !== 'qlora') return usageError(io, 'init', `unknown --method \`${String(method)}\` (expected full, lora or qlora)`);
    if (positionals.length > 1) return usageError(io, 'init', 'give at most one FILE');
    const file = positionals[0] ?? 'recipe.yaml';
    const abs = resolve(io.cwd, file);
    if (values.model !== undefined) {
      const modelAbs = resolve(io.cwd, values.model);
      if (!existsSync(resolve(modelAbs, 'config.json'))) {
        io.stderr.write(
          formatDiagnostics([diag('RECIPE_MODEL_FOLDER', `\`${values.model}\` is not a model folder (no config.json)`, { hint: 'give a local Hugging Face model folder' })]),
        );
        return 1;
      }
    }
    if (existsSync(abs) && !values.force) {
      io.stderr.write(formatDiagnostics([diag('CLI_USAGE', `\`${file}\` already exists`, { hint: 'choose another file name, or pass --force to overwrite it' })]));
      return 1;
    }
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, starterRecipe({ method, file: abs, ...(values.model !== undefined ? { modelDir: resolve(io.cwd, values.model) } : {}) }));
    io.stdout.write(`wrote ${file} (${method}); check it with \`tune validate ${file}\`\n`);
    return 0;
  },
};
