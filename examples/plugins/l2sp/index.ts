/**
 * `l2sp` — a loss term from outside tunekit: L2-SP (Li, Grandvalet & Davoine, 2018, "Explicit
 * Inductive Bias for Transfer Learning with Convolutional Networks") keeps fine-tuned weights near
 * their starting point instead of near zero:
 *
 *   loss = ce + λ · Σ_{θ trainable} ‖θ − θ₀‖²
 *
 * θ₀ is each trainable parameter's value when training starts — the pretrained weight for a base
 * tensor, the initialisation for one a method adds (LoRA A/B) — and stays that on resume. With
 * gradient accumulation each micro-batch adds λ·‖θ − θ₀‖² / (micro-batches), so a step adds it once.
 * The term is logged on its own (`lossTerms.l2sp` in metrics.jsonl, `train/loss_terms/l2sp` in TensorBoard).
 *
 *   plugins: [{ use: ./examples/plugins/l2sp/index.ts }]
 *   regularization: { kind: l2sp, lambda: 0.01 }
 */
import { definePlugin } from 'tunekit/plugin';
import { lambdaOf } from './settings.js';
import type { L2spRuntime } from './runtime.js';

export default definePlugin({
  name: 'l2sp',
  version: '0.1.0',
  description: 'L2-SP: λ·‖θ − θ₀‖² over the trainable parameters, θ₀ their values when training starts',
  recipe: {
    lossTerms: [
      {
        name: 'l2sp',
        description: 'L2-SP (Li et al., 2018): λ·‖θ − θ₀‖² over the trainable parameters',
        keys: {
          lambda: {
            schema: { description: 'λ, the weight of ‖θ − θ₀‖² (summed over every trainable parameter, no ½).', type: 'number', exclusiveMinimum: 0, default: 0.01, examples: [0.01, 0.001] },
          },
        },
        example: { kind: 'l2sp', lambda: 0.01 },
      },
    ],
  },
  setup: () => {
    let runtime: L2spRuntime | null = null;
    return {
      planModel(p, ctx) {
        if (ctx.recipe.regularization?.kind !== 'l2sp') return;
        const trainable = p.tensors.filter((t) => t.trainable).reduce((n, t) => n + t.numel, 0);
        p.extraState.push({ label: 'L2-SP θ₀', bytes: 4 * trainable });
        p.summary.push(`L2-SP: λ = ${lambdaOf(ctx.recipe)} × ‖θ − θ₀‖² over ${trainable.toLocaleString('en-US')} trainable parameters`);
        return p;
      },
      async prepareModel(model, ctx) {
        if (ctx.recipe.regularization?.kind !== 'l2sp') return;
        runtime = await (await import('./runtime.js')).l2spRuntime(model, ctx);
      },
      // Inline hooks are synchronous: the tensor side was loaded by prepareModel, which every run calls first.
      lossTerms: (terms, input) => runtime?.lossTerms(terms, input),
      trainEnd: () => {
        runtime?.dispose();
        runtime = null;
      },
    };
  },
});
