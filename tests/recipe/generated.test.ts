import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { SCHEMA_FILE, generateSchema } from '../../scripts/gen-schema.js';
import { generateTypes } from '../../scripts/gen-types.js';
import { generateValidator, VALIDATOR_FILE } from '../../scripts/gen-validator.js';

describe('recipe: generated files are fresh', function () {
  this.timeout(30000);

  it('schema/recipe.schema.json is the core schema plus the built-in plugins’ fragments (run `npm run gen:schema`)', () => {
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), generateSchema(), 'recipe.schema.json is stale: run `npm run gen`');
  });

  it('the recipe types and the plugins’ settings types match the schema (run `npm run gen:types`)', async () => {
    const files = await generateTypes();
    assert.ok(files.size >= 4);
    for (const [file, text] of files) assert.equal(readFileSync(file, 'utf8'), text, `${relative(process.cwd(), file)} is stale: run \`npm run gen\``);
  });

  it('src/recipe/validator.generated.ts matches the schema (run `npm run gen:validator`)', () => {
    assert.equal(readFileSync(VALIDATOR_FILE, 'utf8'), generateValidator(), 'validator.generated.ts is stale: run `npm run gen`');
  });

  it('RecipeInput describes a recipe as written; RecipeSections and plugin settings have every defaulted key', async () => {
    const files = [...(await generateTypes()).entries()];
    const text = (end: string): string => files.find(([f]) => f.endsWith(end))![1];
    // Required keys are required only in files without `extends`, so the input type leaves them optional.
    assert.match(text('types.generated.ts'), /export interface RecipeInput \{/);
    assert.match(text('types.generated.ts'), /kind\?: "full" \| "lora" \| "qlora";/);
    assert.match(text('types.generated.ts'), /target_modules\?: \[string, \.\.\.string\[\]\] \| string \| null;/);
    assert.match(text('sections.generated.ts'), /  micro_batch_size: number;/);
    assert.match(text('lora/settings.generated.ts'), /  r: number;\n/);
    assert.match(text('lora/settings.generated.ts'), /  init_from: string \| null;/);
  });
});
