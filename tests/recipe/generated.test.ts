import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateTypes, TYPES_FILE } from '../../scripts/gen-types.js';
import { generateValidator, VALIDATOR_FILE } from '../../scripts/gen-validator.js';

describe('recipe: generated files are fresh', function () {
  this.timeout(30000);

  it('src/recipe/types.generated.ts matches the schema (run `npm run gen:types`)', async () => {
    assert.equal(readFileSync(TYPES_FILE, 'utf8'), await generateTypes(), 'types.generated.ts is stale: run `npm run gen:types`');
  });

  it('src/recipe/validator.generated.ts matches the schema (run `npm run gen:validator`)', () => {
    assert.equal(readFileSync(VALIDATOR_FILE, 'utf8'), generateValidator(), 'validator.generated.ts is stale: run `npm run gen:validator`');
  });

  it('RecipeInput describes a recipe as written', async () => {
    const text = readFileSync(TYPES_FILE, 'utf8');
    assert.match(text, /export interface RecipeInput \{/);
    // Required keys are required only in files without `extends`, so the input type leaves them optional.
    assert.match(text, /kind\?: "full" \| "lora" \| "qlora";/);
    assert.match(text, /target_modules\?: \[string, \.\.\.string\[\]\] \| string \| null;/);
  });
});
