/**
 * Where LoRA goes, decided from the model catalogue alone (`planModel`, TensorFlow-free): PEFT's
 * target rules, the adapter tensors exactly as the run names them (`lora_A.weight` / `lora_B.weight`
 * on linears and the head, `lora_embedding_A` / `lora_embedding_B` on embeddings), which biases and
 * `modules_to_save` train, the activations the adapters keep for backward.
 */
import type { ModelPlacement, PlanModelContext, PlannedTensor } from '../../src/plugin-api.js';
import { codes } from './codes.js';
import { loraScaling } from './scaling.js';
import type { LoraSettings } from './settings.generated.js';
import { defaultTargets, expandAllLinear, selectTargets } from './targets.js';

const ADAPTABLE = new Set(['linear', 'embedding', 'lm_head']);
const matchesName = (path: string, names: readonly string[]): boolean => names.some((n) => path === n || path.endsWith(`.${n}`));

/** What `tune plan` shows of the adapters (`plan.method.details.lora`); the in-process runner wraps `paths`. */
export interface LoraPlan {
  r: number;
  alpha: number;
  scaling: number;
  rslora: boolean;
  dropout: number;
  bias: string;
  targetSpec: string | readonly string[];
  targets: number;
  /** Module paths carrying adapters, in model order. */
  paths: string[];
  modulesToSave: string[];
}

export function planLora(p: ModelPlacement, ctx: PlanModelContext): ModelPlacement | void {
  const lora = ctx.recipe.method['lora'] as LoraSettings | undefined;
  if (!lora) return;
  const { catalog } = ctx;
  const byModule = new Map(catalog.modules.map((m) => [m.path, m]));
  const spec = lora.target_modules ?? [...defaultTargets(catalog.modelType)];
  const selected = selectTargets(catalog.modules, spec, lora.exclude_modules);
  if (selected.length === 0) {
    ctx.report(
      codes.diag('LORA_NO_TARGETS', `target_modules ${JSON.stringify(spec)} matches no module of this ${catalog.modelType} model`, {
        ...ctx.at('/method/lora/target_modules'),
        expected: `names among ${expandAllLinear(catalog.modules).join(', ')} (or a regex over full paths, or "all-linear")`,
        hint: 'names match a full module path or its last components, e.g. `q_proj` matches `model.layers.0.self_attn.q_proj`',
      }),
    );
  }
  // PEFT 0.12 adapts nn.Linear, Conv1D and nn.Embedding (the head is an nn.Linear); a norm target is "not supported".
  const unsupported = selected.filter((path) => !ADAPTABLE.has(byModule.get(path)?.kind ?? ''));
  if (unsupported.length) {
    ctx.report(
      codes.diag('LORA_UNSUPPORTED_TARGET', `LoRA on ${unsupported.join(', ')}: PEFT adapts linear layers, embeddings and the output head only`, {
        ...ctx.at('/method/lora/target_modules'),
        found: unsupported.join(', '),
        hint: 'drop normalization layers from target_modules, or train them fully by listing them in `modules_to_save`',
      }),
    );
  }
  const targets = selected.filter((path) => ADAPTABLE.has(byModule.get(path)?.kind ?? ''));
  const targetSet = new Set(targets);
  const toSave = lora.modules_to_save;
  for (const t of p.tensors) {
    if (t.added) continue;
    const isBias = t.name.endsWith('.bias');
    t.trainable = matchesName(t.module, toSave) || (isBias && (lora.bias === 'all' || (lora.bias === 'lora_only' && targetSet.has(t.module))));
  }
  // Adapter tensors where the run lists them: after their module's own tensors (the head's last).
  const r = lora.r;
  const added = (module: string, name: string, shape: number[]): PlannedTensor => ({ name, shape, numel: shape[0]! * shape[1]!, trainable: true, storage: null, decay: true, matmul: 'conv1d', module, added: true });
  for (const path of targets) {
    const m = byModule.get(path)!;
    const pair =
      m.kind === 'embedding'
        ? [added(path, `${path}.lora_embedding_A`, [r, m.inFeatures]), added(path, `${path}.lora_embedding_B`, [m.outFeatures, r])]
        : [added(path, `${path}.lora_A.weight`, [r, m.inFeatures]), added(path, `${path}.lora_B.weight`, [m.outFeatures, r])];
    const lastOwn = p.tensors.reduce((at, t, i) => (t.module === path ? i : at), -1);
    if (m.kind === 'lm_head' || lastOwn < 0) p.tensors.push(...pair);
    else p.tensors.splice(lastOwn + 1, 0, ...pair);
  }
  for (const m of p.modules) {
    if (targetSet.has(m.path) && m.placement !== 'tied') {
      m.placement = m.placement ? `${m.placement}+lora` : 'lora';
      m.label = `${m.label ? `${m.label}+` : ''}lora r=${r}`;
    } else if (matchesName(m.path, toSave) && m.placement !== 'tied') m.placement = 'modules_to_save';
  }
  // PEFT's embedding LoRA takes token ids and applies no dropout: only linear/head inputs are
  // dropped out, keeping the dropped-out input and its mask (the product's saved operands).
  const dropped = lora.dropout > 0 ? 2 * targets.filter((path) => byModule.get(path)?.kind !== 'embedding').reduce((n, path) => n + byModule.get(path)!.inFeatures, 0) : 0;
  // Each target keeps its r-wide A output and the out-wide B output (saved by the scaling multiply).
  const kept = targets.reduce((n, path) => n + r + byModule.get(path)!.outFeatures, 0);
  p.extraActivationsPerToken += (kept + dropped) / Math.max(1, ctx.layers);
  const scaling = loraScaling({ r, alpha: lora.alpha, rslora: lora.rslora });
  p.summary.push(`LoRA r=${r} alpha=${lora.alpha} (scale ${+scaling.toFixed(4)}${lora.rslora ? ', rsLoRA' : ''}) dropout ${lora.dropout} bias ${lora.bias} on ${targets.length} modules ${JSON.stringify(spec)}`);
  const details: LoraPlan = { r, alpha: lora.alpha, scaling, rslora: lora.rslora, dropout: lora.dropout, bias: lora.bias, targetSpec: spec, targets: targets.length, paths: targets, modulesToSave: [...toSave] };
  p.details['lora'] = details;
  return p;
}
