import type { ResolvedRecipe } from 'tunekit/plugin';

/** The resolved `method.bitfit` block (the schema in index.ts fills its defaults). */
export interface BitfitSettings {
  only: string[];
}

export const settingsOf = (recipe: ResolvedRecipe): BitfitSettings => ({ only: [], ...((recipe.method['bitfit'] as Partial<BitfitSettings> | undefined) ?? {}) });
