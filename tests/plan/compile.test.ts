import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadRecipe, resolveRecipeObject } from '../../src/recipe/load.js';
import { readModelConfig } from '../../src/models/catalog.js';
import { planRecipe } from '../../src/exec/plan-recipe.js';
import { estimateTrainingMemory, gpuReferenceBudget } from '../../src/plan/index.js';
import type { Plan } from '../../src/plan/index.js';
import { pluginsForRecipe } from '../../src/plugin-host/recipe.js';
import { CATALOG, loraPlanOf, planWith } from '../helpers/plugins.js';

const REPO = resolve(import.meta.dirname, '../..');
const STORIES = join(REPO, 'models/stories260k');
const MACHINE = { totalBytes: 24 * 2 ** 30, cores: 2 };

/** A llama small enough to count by hand: vocab 100, hidden 64, MLP 128, 1 layer, 4 heads, untied head. */
const TINY_LLAMA = { model_type: 'llama', vocab_size: 100, hidden_size: 64, intermediate_size: 128, num_hidden_layers: 1, num_attention_heads: 4, num_key_value_heads: 4, tie_word_embeddings: false };

function recipeObject(method: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    recipe_version: 1,
    model: { init: 'random', config: TINY_LLAMA },
    tokenizer: { path: STORIES },
    data: { datasets: [{ path: 'examples/data/tiny-alpaca.jsonl', format: 'alpaca' }], sequence_len: 16 },
    method,
    training: { max_steps: 10, micro_batch_size: 2 },
    ...extra,
  };
}

describe('plan: compile', () => {
  it('stories260k LoRA r=8 on q,k,v,o: 17,920 trainable parameters, counted by hand', async () => {
    const recipe = await loadRecipe(join(REPO, 'recipes/tiny/stories-lora.yaml'), { cwd: REPO });
    const plan = await planWith(recipe, { config: readModelConfig(STORIES), data: { trainRows: 50, valRows: 0, how: 'test' }, env: { TUNEKIT_NATIVE: '0' }, machine: MACHINE });
    // hidden 64, 8 heads × head_dim 8, 4 kv heads → k/v out 32; A [8, in] + B [out, 8] per target:
    // q 8·(64+64) = 1024, k 8·(64+32) = 768, v 768, o 1024 → 3,584 per layer × 5 layers.
    assert.equal(plan.parameters.trainable, 17_920);
    assert.equal(plan.parameters.adapters, 17_920);
    assert.equal(plan.parameters.base, 260_032);
    assert.equal(plan.parameters.total, 277_952);
    assert.equal(loraPlanOf(plan)?.targets, 20);
    assert.equal(loraPlanOf(plan)?.scaling, 2);
    const k = plan.modules.find((m) => m.path === 'model.layers.0.self_attn.k_proj')!;
    assert.deepEqual([k.outFeatures, k.placement, k.label, k.addedParams, k.trainableParams], [32, 'lora', 'lora r=8', 768, 768]);
    // The adapter tensors are named and ordered as the run creates them.
    assert.deepEqual(plan.tensors.slice(1, 6).map((t) => t.name), ['model.layers.0.self_attn.q_proj.weight', 'model.layers.0.self_attn.q_proj.lora_A.weight', 'model.layers.0.self_attn.q_proj.lora_B.weight', 'model.layers.0.self_attn.k_proj.weight', 'model.layers.0.self_attn.k_proj.lora_A.weight']);
    assert.equal(plan.modules.find((m) => m.path === 'model.layers.0.mlp.up_proj')?.placement, 'frozen');
    assert.equal(plan.modules.find((m) => m.path === 'lm_head')?.placement, 'tied');
    assert.deepEqual(plan.optimizer.groups.map((g) => [g.name, g.tensors, g.parameters]), [['decay', 40, 17_920], ['no_decay', 0, 0]]);
    // 50 rows / micro 8 = 7 micro-batches = 7 steps per epoch; max_steps wins.
    assert.deepEqual([plan.steps.stepsPerEpoch, plan.steps.totalSteps, plan.schedule.warmupSteps], [7, 60, 5]);
    assert.equal(plan.engine.reason, 'auto → wasm (tfjs-node not installed; native disabled by TUNEKIT_NATIVE=0; wasm ships with tunekit)');
    assert.ok(plan.memory.wasm?.fits);
    assert.ok(Object.isFrozen(plan) && Object.isFrozen(plan.modules[0]) && Object.isFrozen(plan.memory.machine));
  });

  it('full fine-tuning: trainable = total; biases and norm weights in the no-decay group; freeze patterns', async () => {
    const recipe = resolveRecipeObject(recipeObject({ kind: 'full' }, { optimizer: { name: 'adamw', lr: 1e-3, weight_decay: 0.1 } }), { baseDir: REPO, cwd: REPO });
    const plan = await planWith(recipe, { machine: MACHINE });
    // embed 6,400 + q,k,v,o 4·4,096 + gate,up,down 3·8,192 + 3 norms · 64 + lm_head 6,400
    assert.equal(plan.parameters.total, 6400 + 16384 + 24576 + 192 + 6400);
    assert.equal(plan.parameters.trainable, plan.parameters.total);
    assert.deepEqual(plan.optimizer.groups.map((g) => [g.name, g.tensors, g.parameters, g.weightDecay]), [['decay', 9, 53760, 0.1], ['no_decay', 3, 192, 0]]);
    assert.ok(plan.modules.every((m) => m.placement === 'trainable'));
    assert.equal(plan.steps.totalSteps, 10);
    assert.equal(plan.memory.transposedCopies, 0, 'nothing frozen, nothing transposed');
    const frozen = await planWith(resolveRecipeObject(recipeObject({ kind: 'full', freeze: ['embed_tokens', 'layers\\.0\\.self_attn'] }), { baseDir: REPO, cwd: REPO }));
    assert.equal(frozen.parameters.trainable, 53952 - 6400 - 16384);
    assert.equal(frozen.modules.find((m) => m.path === 'model.layers.0.self_attn.q_proj')?.placement, 'frozen');
  });

  it('QLoRA bytes of a hand-computable config: NF4 0.5 + absmax per 64, double quant 1/64 + 4/(64·256)', async () => {
    const method = { kind: 'qlora', lora: { r: 4, alpha: 8, target_modules: ['q_proj', 'v_proj'] }, quantization: { type: 'nf4', blocksize: 64, double_quant: false } };
    const recipe = resolveRecipeObject(recipeObject(method), { baseDir: REPO, cwd: REPO });
    const plan = await planWith(recipe, { backend: 'cpu', machine: MACHINE });
    // Quantized: the 7 block projections, 4·64·64 + 3·64·128 = 40,960 parameters.
    assert.equal(plan.parameters.quantized, 40_960);
    assert.equal(plan.memory.quantizedWeights, 40_960 * (0.5 + 4 / 64)); // 23,040
    // float32: embed 6,400 + norms 192 + lm_head 6,400 frozen, LoRA 4·(64+64)·2 = 1,024 trainable.
    assert.equal(plan.parameters.trainable, 1024);
    assert.equal(plan.memory.weights, 23_040 + 4 * (12_992 + 1024));
    assert.equal(plan.memory.gradients, 4 * 1024);
    assert.equal(plan.memory.optimizerState, 8 * 1024);
    // Wᵀ copies of frozen dense [out, in] matrices: none on cpu/native (the matmul takes the
    // transpose); on wasm the untied lm_head only (the embedding is a gather).
    assert.equal(plan.memory.transposedCopies, 0);
    const onWasm = await planWith(recipe, { backend: 'wasm', machine: MACHINE });
    assert.equal(onWasm.memory.transposedCopies, 4 * 6400);
    // Dequantization scratch: the largest 4-bit matrix (64×128) in float32, once on cpu.
    assert.equal(plan.memory.dequantScratch, 4 * 8192);
    // Activations, B=2 T=16 one layer: per token 8h + 2·kv·hd + 4·f (gated MLP) + RoPE 2·(H + kv)·hd
    // + LoRA (r + out)·2 targets (+ the dropped-out q/v inputs and their masks 2·2·64 when dropout > 0),
    // plus 2·B·H·T² scores/probabilities — ×2.5 on cpu, whose kernels are composed op by op.
    const drop = loraPlanOf(plan)!.dropout > 0 ? 256 : 0;
    assert.equal(plan.memory.activationsFull, 2.5 * 4 * (2 * 16 * (8 * 64 + 2 * 64 + 4 * 128 + 2 * (64 + 64) + (4 + 64) * 2 + drop) + 2 * 2 * 4 * 16 * 16));
    assert.equal(plan.memory.logits, 3 * 4 * 2 * 16 * 100);
    assert.deepEqual(plan.modules.filter((m) => m.kind === 'linear').map((m) => m.placement), ['nf4+lora', 'nf4', 'nf4+lora', 'nf4', 'nf4', 'nf4', 'nf4']);
    assert.equal(plan.modules.find((m) => m.placement === 'nf4+lora')?.label, 'nf4+lora r=4');
    const dq = await planWith(resolveRecipeObject(recipeObject({ ...method, quantization: { type: 'nf4', blocksize: 64, double_quant: true } }), { baseDir: REPO, cwd: REPO }));
    assert.equal(dq.memory.quantizedWeights, 20_480 + 640 + 10);
  });

  it('plans LoRA on embed_tokens and lm_head (PEFT embedding LoRA and head LoRA), counted by hand', async () => {
    const recipe = await loadRecipe(join(REPO, 'recipes/llama3-8b-lora-r128.yaml'), { cwd: REPO });
    const plan = await planRecipe(recipe, await pluginsForRecipe(recipe, CATALOG), { env: { HF_HOME: mkdtempSync(join(tmpdir(), 'plan-hf-')) } });
    assert.deepEqual(plan.diagnostics.filter((x) => x.severity === 'error'), []);
    assert.equal(plan.tensors.find((t) => t.name === 'model.embed_tokens.lora_embedding_A')?.numel, 128 * 128256, 'embedding LoRA is named as PEFT and the run name it');
    assert.equal(plan.parameters.base, 8_030_261_248);
    // r 128 per layer: q/o 128·(4096+4096) ×2, k/v 128·(4096+1024) ×2, gate/up/down 128·(4096+14336) ×3
    // = 10,485,760 × 32 layers; embed_tokens A [128, 128256] + B [4096, 128] and lm_head likewise, 16,941,056 each.
    assert.equal(plan.parameters.adapters, 10_485_760 * 32 + 2 * 16_941_056);
    assert.equal(loraPlanOf(plan)?.targets, 7 * 32 + 2);
  });

  it('reports LoRA targets tune run cannot adapt (norms)', async () => {
    const plan = await planWith(resolveRecipeObject(recipeObject({ kind: 'lora', lora: { r: 8, target_modules: '.*\\.(q_proj|input_layernorm)' } }), { baseDir: REPO, cwd: REPO }));
    const d = plan.diagnostics.find((x) => x.code === 'LORA_UNSUPPORTED_TARGET');
    assert.ok(d, JSON.stringify(plan.diagnostics));
    assert.match(d.message, /^LoRA on model\.layers\.0\.input_layernorm:/);
  });
});

describe('plan: MPT-30B QLoRA from the built-in config', () => {
  let plan: Plan;
  before(async () => {
    const recipe = await loadRecipe(join(REPO, 'recipes/mpt30b-qlora.yaml'), { cwd: REPO });
    plan = await planRecipe(recipe, await pluginsForRecipe(recipe, CATALOG), { env: { HF_HOME: mkdtempSync(join(tmpdir(), 'plan-hf-')) } });
  });

  it('counts 29.96B parameters, 220M LoRA on up/down and 29.6B stored NF4', () => {
    assert.equal(plan.model.config.kind, 'built-in');
    assert.equal(plan.parameters.base, 29_957_200_896);
    // 48 layers × (up 64·(7168+28672) + down 64·(28672+7168))
    assert.equal(plan.parameters.adapters, 48 * 2 * 64 * (7168 + 28672));
    assert.equal(plan.parameters.quantized, 48 * (7168 * 21504 + 7168 * 7168 + 2 * 7168 * 28672));
    assert.equal(plan.steps.totalSteps, null);
    assert.match(plan.steps.dataHow, /Hub dataset LEL-A\/translated_german_alpaca/);
  });

  it('quantized weight bytes are 0.516 byte/param: 15.27 GB, and the budget splits by component', () => {
    const q = plan.memory.quantizedWeights;
    assert.ok(q > 15.2e9 && q < 15.35e9, String(q));
    assert.ok(Math.abs(q / plan.parameters.quantized - (0.5 + 1 / 64 + 4 / (64 * 256))) < 1e-12);
    const m = plan.memory;
    assert.equal(m.total, m.weights + m.gradients + m.optimizerState + m.pluginState + m.activations + m.logits + m.transposedCopies + m.packedWeights + m.dequantScratch + m.reserve);
    assert.equal(m.pluginState, 0);
    assert.equal(m.optimizerState, m.hostOptimizerState, '8-bit states live on the host');
    // What a plugin keeps for the run (a loss term's θ₀) adds to the total and to the wasm heap.
    const withState = estimateTrainingMemory({ ...m.inputs, pluginStateBytes: 1234 });
    assert.equal(withState.pluginState, 1234);
    assert.equal(withState.total, m.total + 1234);
    assert.equal(withState.wasmHeap, m.wasmHeap + 1234);
    assert.ok(m.activationsFull > 20 * m.activationsCheckpointed);
    assert.ok(plan.notes.some((n) => /paged_adamw_8bit: paging .* no meaning/.test(n)));
  });

  it('on a bf16 GPU the same run needs ~26 GB: more than one 24 GB card, within two', () => {
    const g = gpuReferenceBudget(plan);
    assert.ok(g.budget.total > 24e9 && g.budget.total < 28e9, String(g.budget.total));
    assert.ok(g.fits);
    assert.ok(g.budget.total < plan.memory.total);
  });
});
