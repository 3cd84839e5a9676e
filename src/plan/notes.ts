/**
 * The plan's notes: facts a user of Axolotl / PEFT would otherwise assume differently on this
 * engine (16-bit dtypes, paged optimizers, checkpointing), each one line.
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
  if (recipe.optimizer.name === 'paged_adamw_8bit') {
    notes.push('paged_adamw_8bit: paging moves optimizer states between GPU and CPU memory; on these CPU engines it has no meaning — same algorithm as adamw_8bit');
  }
  if (recipe.optimizer.name === 'adamw_8bit' || recipe.optimizer.name === 'paged_adamw_8bit') {
    notes.push('8-bit AdamW: states are uint8 codes + float32 absmax per 256 on the host; tensors under 4096 elements keep float32 state');
  }
  const q = recipe.method.quantization;
  if (q && q.compute_dtype !== 'float32') notes.push(`quantization.compute_dtype ${q.compute_dtype}: computed in float32 (TensorFlow.js has no 16-bit floats)`);
  if (recipe.model.dtype !== 'float32') notes.push(`model.dtype ${recipe.model.dtype}: weights are held and trained in float32 on this engine`);
  if (q) notes.push(`${q.type} weights stay packed on the host (${plan.method.quantization?.bytesPerParam.toFixed(4)} byte/param) and expand to float32 one projection at a time`);
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
