/**
 * The core's plan notes: facts a user of Axolotl / PEFT would otherwise assume differently on this
 * engine (16-bit dtypes, checkpointing, unknown step counts), each one line. Plugins add their own
 * (8-bit optimizers, 4-bit storage) while planning.
 */
import type { ResolvedRecipe } from '../recipe/resolved.js';
import { formatBytes } from './memory.js';
import type { Plan } from './types.js';

/** Notes for a compiled plan (its `notes` field is filled with these). */
export function planNotes(recipe: ResolvedRecipe, plan: Plan): string[] {
  const notes: string[] = [];
  const m = plan.memory;
  if (plan.model.config.kind === 'built-in') {
    notes.push(`config: built-in copy of ${plan.model.base ?? '?'}'s config.json (${plan.model.config.where}); a cached or local config.json would win`);
  }
  if (plan.model.unverified.length) notes.push(`config: ${plan.model.unverified.join(', ')} not verified against the published file — parameter counts may differ slightly`);
  if (recipe.model.dtype !== 'float32') notes.push(`model.dtype ${recipe.model.dtype}: weights are held and trained in float32 on this engine`);
  const other = recipe.training.gradient_checkpointing ? m.activationsFull : m.activationsCheckpointed;
  notes.push(
    recipe.training.gradient_checkpointing
      ? `gradient checkpointing on: activations ${formatBytes(m.activationsCheckpointed)} (off: ${formatBytes(other)})`
      : `gradient checkpointing off: activations ${formatBytes(m.activationsFull)} (on: ${formatBytes(other)} — set training.gradient_checkpointing: true)`,
  );
  if (plan.steps.totalSteps === null) notes.push(`steps: unknown — ${plan.steps.dataHow}`);
  if (plan.engine.backend === 'wasm' && plan.engine.threads !== null && plan.engine.threads > 1) {
    notes.push(`engine.threads ${plan.engine.threads}: tfjs' wasm build runs single-threaded in Node`);
  }
  return notes;
}
