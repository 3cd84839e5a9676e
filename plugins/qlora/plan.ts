/**
 * Where QLoRA stores 4 bits (`planModel`, TensorFlow-free): every linear projection's weight except
 * in `modules_to_save` (those train in full), in bitsandbytes' layout — the output head and the
 * embeddings stay float, as transformers' `load_in_4bit` leaves them. Runs before LoRA places its
 * adapters on top.
 */
import { type ModelPlacement, type PlanModelContext, nf4BytesPerParam } from '../../src/plugin-api.js';
import type { LoraSettings } from '../lora/settings.generated.js';
import type { QuantizationSettings } from './settings.generated.js';

const matchesName = (path: string, names: readonly string[]): boolean => names.some((n) => path === n || path.endsWith(`.${n}`));

export function planQlora(p: ModelPlacement, ctx: PlanModelContext): ModelPlacement | void {
  const q = ctx.recipe.method['quantization'] as QuantizationSettings | undefined;
  if (!q) return;
  const toSave = (ctx.recipe.method['lora'] as LoraSettings | undefined)?.modules_to_save ?? [];
  const bytesPerParam = nf4BytesPerParam(q.blocksize, q.double_quant);
  const quantized = new Set(ctx.catalog.modules.filter((m) => m.kind === 'linear' && !matchesName(m.path, toSave)).map((m) => m.path));
  for (const t of p.tensors) if (quantized.has(t.module) && t.name === `${t.module}.weight` && t.shape.length === 2) t.storage = { scheme: q.type, bytesPerParam };
  for (const m of p.modules) {
    if (!quantized.has(m.path)) continue;
    m.placement = 'nf4';
    m.label = q.type;
  }
  p.summary.push(`${q.type}${q.double_quant ? ' + double quant' : ''}, blocksize ${q.blocksize} (${bytesPerParam.toFixed(4)} byte/param)`);
  p.details['quantization'] = { type: q.type, blocksize: q.blocksize, doubleQuant: q.double_quant, computeDtype: q.compute_dtype, bytesPerParam };
  if (q.compute_dtype !== 'float32') ctx.note(`quantization.compute_dtype ${q.compute_dtype}: computed in float32 (TensorFlow.js has no 16-bit floats)`);
  ctx.note(`${q.type} weights stay packed on the host (${bytesPerParam.toFixed(4)} byte/param) and expand to float32 one projection at a time`);
  return p;
}
