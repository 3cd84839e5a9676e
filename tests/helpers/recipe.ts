/** Typed views of plugin-owned recipe blocks, for tests. */
import type { ResolvedRecipe } from '../../src/recipe/resolved.js';
import type { LoraSettings } from '../../plugins/lora/settings.generated.js';

/** `method.lora` (lora and qlora recipes). */
export const loraOf = (r: ResolvedRecipe): LoraSettings | undefined => r.method['lora'] as LoraSettings | undefined;
