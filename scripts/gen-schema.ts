/**
 * Builds schema/recipe.schema.json — the recipe format with the built-in plugins' keys — from the
 * core schema (src/recipe/core-schema/) and the first-party plugins' fragments, with the same
 * `buildRecipeSchema` that `tune schema --out` runs for a recipe's own plugins.
 * Run: `npm run gen:schema` (a test fails when the checked-in file is stale).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { builtinPlugins } from '../plugins/index.js';
import { buildRecipeSchema } from '../src/recipe/build-schema.js';
import { collectContributions } from '../src/recipe/contributions.js';

export const SCHEMA_FILE = fileURLToPath(new URL('../schema/recipe.schema.json', import.meta.url));

/** The text of schema/recipe.schema.json for the built-in plugins. */
export function generateSchema(): string {
  return `${JSON.stringify(buildRecipeSchema(collectContributions(builtinPlugins().plugins)), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, generateSchema());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
