/**
 * The text form of a Plan (`tune plan`): a compact module tree where repeated layers collapse into
 * one line (`model.layers.{0..29}.self_attn.q_proj … ×30`), the parameter summary, the memory
 * table with its verdicts, and notes.
 */
import { isAbsolute, relative } from 'node:path';
import { gpuReferenceBudget } from './gpu-reference.js';
import { formatBytes } from './memory.js';
import type { PlannedModule } from './placement.js';
import type { Plan } from './types.js';

const int = (n: number): string => n.toLocaleString('en-US');

/** 1.23B / 45.6M / 7.8K / 12. */
function short(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

function kindLabel(m: PlannedModule): string {
  switch (m.kind) {
    case 'linear':
      return `${m.layout === 'conv1d' ? 'Conv1D' : 'Linear'} ${m.inFeatures}→${m.outFeatures}`;
    case 'embedding':
      return `Embedding ${m.inFeatures}×${m.outFeatures}`;
    case 'norm':
      return `Norm ${m.outFeatures}`;
    case 'lm_head':
      return `LMHead ${m.inFeatures}→${m.outFeatures}`;
  }
}

function placementLabel(m: PlannedModule): string {
  if (m.placement === 'tied') return `tied → ${m.tiedTo ?? '?'}`;
  if (m.placement === 'partial') return `partial (${short(m.trainableParams)} trainable)`;
  return m.label || m.placement;
}

/** `{0..3,5,7..9}` for a sorted index list. */
function ranges(idx: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1] === idx[j]! + 1) j++;
    parts.push(i === j ? String(idx[i]) : `${idx[i]}..${idx[j]}`);
    i = j + 1;
  }
  return `{${parts.join(',')}}`;
}

/** Module lines with repeated layers collapsed: [path, type, placement, params, count]. */
export function moduleRows(plan: Plan): string[][] {
  const groups = new Map<string, { template: string; idx: number[]; m: PlannedModule; label: string }>();
  for (const m of plan.modules) {
    const match = /^(.*?\.)(\d+)(\..*)$/.exec(m.path);
    const template = match ? `${match[1]}#${match[3]}` : m.path;
    const label = placementLabel(m);
    const key = `${template}|${kindLabel(m)}|${label}`;
    const g = groups.get(key);
    if (g) g.idx.push(Number(match?.[2]));
    else groups.set(key, { template, idx: match ? [Number(match[2])] : [], m, label });
  }
  return [...groups.values()].map(({ template, idx, m, label }) => {
    const path = idx.length ? template.replace('#', ranges(idx)) : template;
    const params = m.params ? short(m.params) + (m.addedParams ? ` +${short(m.addedParams)}` : '') : '-';
    return [path, kindLabel(m), label, params, idx.length > 1 ? `×${idx.length}` : ''];
  });
}

function table(rows: string[][], indent = '  '): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => (indent + r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).trimEnd());
}

/** Render a plan for the terminal; absolute paths are shown relative to `cwd` when given. */
export function formatPlan(plan: Plan, opts: { cwd?: string } = {}): string {
  const show = (p: string): string => (opts.cwd && isAbsolute(p) && !relative(opts.cwd, p).startsWith('..') ? relative(opts.cwd, p) || '.' : p);
  const out: string[] = [];
  const d = plan.model.dims;
  const p = plan.parameters;
  const m = plan.memory;
  const s = plan.steps;
  out.push(`plan ${plan.recipe.file ? show(plan.recipe.file) : '(recipe object)'}${plan.recipe.description ? ` — ${plan.recipe.description}` : ''}`, '');
  out.push(`model     ${plan.model.base ? show(plan.model.base) : 'random init'} (${plan.model.modelType}; config: ${plan.model.config.kind}${plan.model.config.kind === 'built-in' ? '' : ` ${show(plan.model.config.where)}`})`);
  out.push(`          ${d.layers} layers, hidden ${d.hidden}, ${d.heads} heads (${d.kvHeads} kv × ${d.headDim}), MLP ${d.intermediate}, vocab ${d.vocab}`);
  const summary = plan.method.summary.length ? `: ${plan.method.summary.join('; ')}` : '';
  out.push(`method    ${plan.method.kind}${summary}`, '', 'modules');
  out.push(...table(moduleRows(plan)), '');
  out.push('parameters');
  out.push(
    ...table([
      ['base', int(p.base), ''],
      ['adapters', int(p.adapters), ''],
      ['trainable', int(p.trainable), `${p.trainablePercent.toFixed(p.trainablePercent < 1 ? 4 : 2)}% of ${int(p.total)}`],
      ['frozen', int(p.frozen), p.quantized ? `${int(p.quantized)} stored 4-bit` : ''],
    ]),
  );
  const groups = plan.optimizer.groups.map((g) => `${g.name} ${g.tensors} tensors / ${int(g.parameters)} (wd ${g.weightDecay})`).join('; ');
  out.push('', `optimizer ${plan.optimizer.name} lr ${plan.optimizer.lr}: ${groups}`);
  out.push(`schedule  ${plan.schedule.name}, warmup ${plan.schedule.warmup}`);
  const sets = plan.data.datasets.map((d) => `${d.source === 'local' ? show(d.path) : d.path} (${d.format}${d.weight !== 1 ? ` ×${d.weight}` : ''})`).join(', ');
  out.push(`data      ${sets}; sequence_len ${plan.data.sequenceLen}${plan.data.packing ? ', packed' : ''}${plan.data.valSetSize ? `, val_set_size ${plan.data.valSetSize}` : ''}`);
  out.push(`steps     micro batch ${s.microBatchSize} × accumulation ${s.gradientAccumulationSteps} = ${s.effectiveBatchSize} rows (≤ ${int(s.tokensPerStep)} tokens) per step`);
  const per = s.stepsPerEpoch === null ? '?' : int(s.stepsPerEpoch);
  const total = s.totalSteps === null ? '?' : int(s.totalSteps);
  const rows = s.trainRows === null ? 'training rows unknown' : `${int(s.trainRows)} training rows, ${int(s.valRows ?? 0)} validation (${s.dataHow})`;
  out.push(`          ${rows}; ${per} steps/epoch; ${s.maxSteps !== null ? `max_steps ${s.maxSteps}` : `${s.epochs ?? 1} epochs`} → ${total} steps`);
  out.push(`engine    ${plan.engine.reason}`, '');
  out.push(`memory (estimate for ${plan.engine.backend}, float32 compute, every row at sequence_len ${plan.data.sequenceLen})`);
  const host = m.quantizedWeights + m.hostOptimizerState;
  out.push(
    ...table([
      ['weights', formatBytes(m.weights), m.quantizedWeights ? `${formatBytes(m.quantizedWeights)} 4-bit (host) + ${formatBytes(m.weights - m.quantizedWeights)} float32` : ''],
      ['gradients', formatBytes(m.gradients), ''],
      ['optimizer state', formatBytes(m.optimizerState), m.hostOptimizerState ? 'host (8-bit)' : ''],
      ...(m.pluginState ? [['plugin state', formatBytes(m.pluginState), plan.memory.state.map((s) => `${s.label} ${formatBytes(s.bytes)}`).join(', ')] as [string, string, string]] : []),
      ['activations', formatBytes(m.activations), `${m.gradientCheckpointing ? 'checkpointed' : 'all layers kept'}; ${m.gradientCheckpointing ? 'without' : 'with'} checkpointing ${formatBytes(m.gradientCheckpointing ? m.activationsFull : m.activationsCheckpointed)}${plan.engine.copies.activationScale !== 1 ? `; ×${plan.engine.copies.activationScale} for op-by-op kernels` : ''}`],
      ['logits', formatBytes(m.logits), 'logits, log-softmax, gradient'],
      ['engine copies', formatBytes(m.transposedCopies + m.packedWeights + m.dequantScratch + m.reserve), `Wᵀ ${formatBytes(m.transposedCopies)}, packed ${formatBytes(m.packedWeights)}, dequant ${formatBytes(m.dequantScratch)}, reserve ${formatBytes(m.reserve)}`],
      ['total', formatBytes(m.total), host ? `${formatBytes(m.total - host)} in tensors + ${formatBytes(host)} host` : ''],
    ]),
  );
  out.push(`  this machine (${m.machine.cores} cores, ${formatBytes(m.machine.totalBytes)}): ${m.machine.fits ? 'fits' : 'does NOT fit'}`);
  if (m.wasm) out.push(`  wasm heap (${formatBytes(m.wasm.limitBytes)} cap): needs ${formatBytes(m.wasm.neededBytes)} — ${m.wasm.fits ? 'fits' : 'does NOT fit (use --backend cpu, or see the hints of ENGINE_WASM_HEAP)'}`);
  const gpu = gpuReferenceBudget(plan).budget.total;
  out.push(`  reference: the same run on a bf16 GPU with bitsandbytes + PEFT needs ≈ ${formatBytes(gpu)} (${(gpu / 1e9).toFixed(1)} GB)`);
  if (plan.notes.length) out.push('', 'notes', ...plan.notes.map((n) => `  - ${n}`));
  return `${out.join('\n')}\n`;
}
