import type { ResolvedRecipe } from 'tunekit/plugin';

/** The resolved `method.bitfit` block (always present with `kind: bitfit`: the schema in index.ts fills its defaults). */
export interface BitfitSettings {
  only: string[];
}

export const settingsOf = (recipe: ResolvedRecipe): BitfitSettings => recipe.method['bitfit'] as BitfitSettings;
