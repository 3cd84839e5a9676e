import type { ResolvedRecipe } from 'tunekit/plugin';

/** `regularization.lambda` (always present: the schema in index.ts fills its default). */
export const lambdaOf = (recipe: ResolvedRecipe): number => recipe.regularization?.['lambda'] as number;
