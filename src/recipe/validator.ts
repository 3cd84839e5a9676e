import type { ErrorObject } from 'ajv';
import { validate as generated } from './validator.generated.js';

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * Validate a recipe document against schema/recipe.schema.json with the precompiled ajv validator
 * (strict, allErrors). Returns ajv's raw errors (empty when valid).
 */
export function validateRecipeSchema(doc: unknown): ErrorObject[] {
  const v = generated as unknown as Validate;
  return v(doc) ? [] : [...(v.errors ?? [])];
}
