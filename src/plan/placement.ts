/**
 * Which parameters train, which are frozen, which carry LoRA adapters and which are stored 4-bit —
 * decided from the model catalogue and the recipe's method alone, with the same rules the method
 * plugins apply (PEFT target matching, bias modes, modules_to_save; `method.freeze` regexes searched
 * in parameter names; QLoRA quantizes every projection of the blocks and keeps embeddings, norms and
 * the LM head in float32, as transformers' bitsandbytes integration skips the output head).
 */
import { diag, type Diagnostic } from '../diagnostics/index.js';
import type { ModelCatalog, ModuleInfo } from '../models/types.js';
import { archFacts } from '../recipe/arch-facts.js';
import type { ResolvedMethod } from '../recipe/resolved.js';
import { expandAllLinear, selectTargets } from '../../plugins/lora/targets.js';

/** How one module is held during training. */
export type PlacementKind = 'trainable' | 'frozen' | 'partial' | 'lora' | 'nf4' | 'nf4+lora' | 'modules_to_save' | 'tied';

/** One module of the plan. */
export interface PlannedModule {
  path: string;
  kind: ModuleInfo['kind'];
  inFeatures: number;
  outFeatures: number;
  layout: ModuleInfo['layout'] | null;
  placement: PlacementKind;
  /** Base parameters of the module (0 for a tied head). */
  params: number;
  /** Of `params`, the ones that train. */
  trainableParams: number;
  /** LoRA A+B parameters added to the module (0 without an adapter). */
  loraParams: number;
  /** Embedding whose weight a tied head uses. */
  tiedTo: string | null;
}

/** One parameter tensor (base or adapter). */
export interface PlannedTensor {
  name: string;
  numel: number;
  trainable: boolean;
  /** Stored 4-bit (QLoRA). */
  quantized: boolean;
  /** HF `get_decay_parameter_names`: biases and norm weights get no weight decay. */
  decay: boolean;
  /** A matrix multiplied as `x·Wᵀ` (nn.Linear layout or the LM head). */
  matmul: 'linear' | 'conv1d' | null;
}

export interface Placement {
  modules: PlannedModule[];
  tensors: PlannedTensor[];
  /** Module paths carrying LoRA, in model order. */
  loraTargets: string[];
  /** The target spec applied (after the model type's PEFT default). */
  targetSpec: string | string[] | null;
  diagnostics: Diagnostic[];
}

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const owner = (name: string): string => name.slice(0, name.lastIndexOf('.'));
const matchesName = (path: string, names: readonly string[]): boolean => names.some((n) => path === n || path.endsWith(`.${n}`));

/** Decide the placement of every module and tensor. `at(pointer)` positions diagnostics in the recipe. */
export function placeModules(catalog: ModelCatalog, method: ResolvedMethod, at: (pointer: string) => object = () => ({})): Placement {
  const diagnostics: Diagnostic[] = [];
  const byModule = new Map(catalog.modules.map((m) => [m.path, m]));
  const lora = method.kind === 'full' ? null : method.lora;
  const quantize = method.kind === 'qlora';
  let targets: string[] = [];
  let targetSpec: string | string[] | null = null;
  if (lora) {
    targetSpec = lora.target_modules ?? [...(archFacts(catalog.modelType)?.peftDefaultTargets ?? [])];
    targets = selectTargets(catalog.modules, targetSpec, lora.exclude_modules);
    if (targets.length === 0) {
      diagnostics.push(
        diag('PLAN_LORA_NO_TARGETS', `target_modules ${JSON.stringify(targetSpec)} matches no module of this ${catalog.modelType} model`, {
          ...at('/method/lora/target_modules'),
          expected: `names among ${expandAllLinear(catalog.modules).join(', ')} (or a regex over full paths, or "all-linear")`,
          hint: 'names match a full module path or its last components, e.g. `q_proj` matches `model.layers.0.self_attn.q_proj`',
        }),
      );
    }
    // Linears, embeddings (lora_embedding_A/B) and the output head carry LoRA, as in PEFT; norms do not.
    const nonLinear = targets.filter((p) => !['linear', 'embedding', 'lm_head'].includes(byModule.get(p)?.kind ?? ''));
    if (nonLinear.length) {
      diagnostics.push(
        diag('PLAN_LORA_TARGET_UNSUPPORTED', `LoRA on ${nonLinear.join(', ')}: tune run adapts linear layers, embeddings and the LM head only and will refuse this recipe`, {
          ...at('/method/lora/target_modules'),
          found: nonLinear.join(', '),
          hint: 'drop normalization layers from target_modules, or train them fully by listing them in `modules_to_save`',
        }),
      );
    }
  }
  const targetSet = new Set(targets);
  const toSave = lora?.modules_to_save ?? [];
  const freeze = method.kind === 'full' ? method.freeze.map((p) => new RegExp(p, 'u')) : [];
  const tensors: PlannedTensor[] = [];
  let frozenByPattern = 0;
  for (const p of catalog.parameters) {
    const mod = byModule.get(owner(p.name));
    const isBias = p.name.endsWith('.bias');
    const saved = lora !== null && matchesName(owner(p.name), toSave);
    let trainable: boolean;
    if (method.kind === 'full') {
      trainable = !freeze.some((re) => re.test(p.name));
      if (!trainable) frozenByPattern++;
    } else {
      trainable = saved || (isBias && (lora?.bias === 'all' || (lora?.bias === 'lora_only' && targetSet.has(owner(p.name)))));
    }
    const quantized = quantize && !trainable && !isBias && mod?.kind === 'linear' && p.shape.length === 2;
    const isMatrix = p.shape.length === 2 && (mod?.kind === 'linear' || mod?.kind === 'lm_head');
    tensors.push({ name: p.name, numel: numel(p.shape), trainable, quantized, decay: !isBias && mod?.kind !== 'norm', matmul: isMatrix ? (mod?.layout ?? 'linear') : null });
  }
  if (method.kind === 'full' && freeze.length && frozenByPattern === 0) {
    diagnostics.push(
      diag('PLAN_FREEZE_MATCHES_NOTHING', `method.freeze ${JSON.stringify(method.freeze)} matches no parameter`, {
        severity: 'warning',
        ...at('/method/freeze'),
        hint: `parameter names look like ${catalog.parameters[1]?.name ?? '?'}`,
      }),
    );
  }
  // A tied head multiplies by the embedding matrix: count it as a matmul weight once.
  const head = catalog.modules.find((m) => m.kind === 'lm_head');
  if (head?.tiedTo) {
    const emb = tensors.find((t) => t.name === `${head.tiedTo}.weight`);
    if (emb) emb.matmul = 'linear';
  }
  const r = lora?.r ?? 0;
  for (const path of targets) {
    const m = byModule.get(path);
    if (!m) continue;
    tensors.push({ name: `${path}.lora_A.weight`, numel: r * m.inFeatures, trainable: true, quantized: false, decay: true, matmul: 'conv1d' });
    tensors.push({ name: `${path}.lora_B.weight`, numel: m.outFeatures * r, trainable: true, quantized: false, decay: true, matmul: 'conv1d' });
  }
  const modules = catalog.modules.map((m): PlannedModule => {
    const own = tensors.filter((t) => owner(t.name) === m.path);
    const params = own.reduce((n, t) => n + t.numel, 0);
    const trainableParams = own.filter((t) => t.trainable).reduce((n, t) => n + t.numel, 0);
    const loraParams = targetSet.has(m.path) ? r * (m.inFeatures + m.outFeatures) : 0;
    const quantized = own.some((t) => t.quantized);
    let placement: PlacementKind;
    if (m.tiedTo) placement = 'tied';
    else if (loraParams > 0) placement = quantized ? 'nf4+lora' : 'lora';
    else if (lora !== null && matchesName(m.path, toSave)) placement = 'modules_to_save';
    else if (quantized) placement = 'nf4';
    else if (trainableParams === params && params > 0) placement = 'trainable';
    else if (trainableParams === 0) placement = 'frozen';
    else placement = 'partial';
    return { path: m.path, kind: m.kind, inFeatures: m.inFeatures, outFeatures: m.outFeatures, layout: m.layout ?? null, placement, params, trainableParams, loraParams, tiedTo: m.tiedTo ?? null };
  });
  return { modules, tensors, loraTargets: targets, targetSpec, diagnostics };
}
