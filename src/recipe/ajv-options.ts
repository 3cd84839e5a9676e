import type { Options } from 'ajv';

/**
 * The one ajv configuration for recipes, shared by the validator generator (scripts/gen-validator.ts)
 * and its freshness test. Strict mode is on except `strictRequired`, because conditional rules
 * (`if`/`then`) require keys that are declared in the parent's `properties`.
 */
export const AJV_OPTIONS: Options = {
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  allErrors: true,
  code: { source: true, esm: true, lines: false },
};

/**
 * Annotation keywords the schema uses beyond JSON Schema (ignored by editors): `x-error` (rule
 * messages), `x-variants` (which keys each method, optimizer or format takes), `x-aliases` (spellings
 * from other tools), `x-path` (a plugin key holding a path relative to the recipe file),
 * `x-export-folders` (the output folder of each export kind).
 */
export const ANNOTATION_KEYWORDS = ['x-error', 'x-variants', 'x-aliases', 'x-path', 'x-export-folders'] as const;
