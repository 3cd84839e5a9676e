import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { buildRecipeSchema } from '../recipe/build-schema.js';
import { recipeSchemaPath } from '../recipe/schema.js';
import { catalogOf, defineCommand, usage } from './command.js';

const USAGE = `usage: tune schema [--path] [--out FILE [RECIPE]]

Print the recipe JSON Schema (schema/recipe.schema.json): the recipe format with the built-in
plugins' keys. With --path, print where that file is instead (for editor settings).
With --out FILE RECIPE, write the schema for that recipe's plugins too — a third-party plugin's
method kinds, optimizers, dataset formats and loss terms — so the editor completes and checks them;
point the recipe's \`# yaml-language-server: $schema=\` line at FILE.
`;

/** `tune schema`: print or write the recipe JSON Schema. */
export const command = defineCommand({
  name: 'schema',
  summary: 'print the recipe JSON Schema (or write it with a recipe’s own plugins)',
  usage: USAGE,
  options: { path: { type: 'boolean' }, out: { type: 'string' } },
  async run({ values, positionals }, io) {
    if (positionals.length > 1 || (positionals.length === 1 && values.out === undefined)) throw usage('schema', 'a RECIPE goes with --out FILE');
    if (values.path) {
      io.stdout.write(`${recipeSchemaPath()}\n`);
      return 0;
    }
    if (values.out === undefined) {
      io.stdout.write(readFileSync(recipeSchemaPath(), 'utf8'));
      return 0;
    }
    let json: string;
    if (positionals[0] === undefined) json = readFileSync(recipeSchemaPath(), 'utf8');
    else {
      const { recipeFilePlugins } = await import('../plugin-host/recipe.js');
      const plugins = await recipeFilePlugins(positionals[0], { cwd: io.cwd, catalog: catalogOf(io) });
      json = `${JSON.stringify(buildRecipeSchema(plugins.registry), null, 2)}\n`;
    }
    await writeFileAtomic(resolve(io.cwd, values.out), json);
    io.stdout.write(`wrote ${values.out}\n`);
    return 0;
  },
});
