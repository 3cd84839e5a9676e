import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { diag, formatDiagnostics } from '../diagnostics/index.js';
import { recipeSchemaPath } from '../recipe/schema.js';
import type { Command } from './command.js';

const USAGE = `usage: tune schema [--path]

Print the recipe JSON Schema (schema/recipe.schema.json), the single source of truth for the
recipe format. With --path, print where the schema file is instead (for editor settings).
`;

/** `tune schema`: print the recipe JSON Schema. */
export const command: Command = {
  name: 'schema',
  summary: 'print the recipe JSON Schema',
  usage: USAGE,
  async run(argv, io) {
    let values;
    try {
      ({ values } = parseArgs({ args: argv, options: { path: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
    } catch (e) {
      io.stderr.write(formatDiagnostics([diag('CLI_USAGE', (e as Error).message, { hint: 'run `tune schema --help`' })]));
      return 2;
    }
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const path = recipeSchemaPath();
    io.stdout.write(values.path ? `${path}\n` : readFileSync(path, 'utf8'));
    return 0;
  },
};
