/**
 * LoRA on `embed_tokens` (PEFT 0.12 `lora.Embedding`) and on `lm_head` (an ordinary LoRA Linear):
 * init, PEFT keys and shapes, forward against host arithmetic, gradients against the merged-model
 * gradient identity (with the padding_idx column of lora_embedding_A getting no gradient), merges in
 * the plugin and on the host, and the refusal on tied models (`tune run`: embedding-head-run.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../../src/engine/index.js';
import { buildModel, causalLmLoss, loadModel, mergeAdapter, parseModelConfig, randomModel, Rng, type CausalLM } from '../../../src/models/index.js';
import { saveLoraAdapter } from '../../../src/io/peft/index.js';
import type { HostTensor } from '../../../src/io/safetensors/index.js';
import { TuneError } from '../../../src/diagnostics/index.js';
import { LORA_PARAM } from '../../../plugins/lora/apply.js';
import { mergeLora } from '../../../plugins/lora/merge.js';
import { describeOnBackends } from '../../helpers/backends.js';
import { ALPHA, IDS, LABELS, R, S, TARGETS, UNTIED, assertClose, untied, withLora } from './embedding-head-fixture.js';

/** Give every LoRA tensor non-zero values (N(0, 0.3²)) so each path contributes. */
function randomize(model: CausalLM, seed: number, only: RegExp = LORA_PARAM): void {
  const rng = new Rng(seed);
  for (const [name, p] of model.namedParameters()) {
    if (!only.test(name)) continue;
    const n = p.shape.reduce((a, b) => a * b, 1);
    const v = tf.tensor(Float32Array.from({ length: n }, () => 0.3 * rng.normal()), p.shape);
    p.assign(v);
    v.dispose();
  }
}

async function param(model: CausalLM, name: string): Promise<Float32Array> {
  const p = model.namedParameters().find(([n]) => n === name)?.[1];
  assert.ok(p, `parameter ${name}`);
  return Float32Array.from(await p.data());
}

function setParam(model: CausalLM, name: string, data: Float32Array): void {
  const p = model.namedParameters().find(([n]) => n === name)![1];
  const t = tf.tensor(data, p.shape);
  p.assign(t);
  t.dispose();
}

/** out[a, b] = Σ_k X[a, k]·Y[b, k] for row-major X [na, nk], Y [nb, nk] (i.e. X·Yᵀ). */
function matMulT(X: Float32Array, Y: Float32Array, na: number, nb: number, nk: number): Float32Array {
  const out = new Float32Array(na * nb);
  for (let a = 0; a < na; a++) for (let b = 0; b < nb; b++) {
    let s = 0;
    for (let k = 0; k < nk; k++) s += (X[a * nk + k] as number) * (Y[b * nk + k] as number);
    out[a * nb + b] = s;
  }
  return out;
}

function transpose(X: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = X[i * cols + j] as number;
  return out;
}

/** The merged weights an adapter model stands for: E + s·(B_e A_e)ᵀ and H + s·B_h A_h (host arithmetic). */
async function mergedOnHost(model: CausalLM): Promise<{ E: Float32Array; H: Float32Array }> {
  const [V, d] = [UNTIED.vocab_size, UNTIED.hidden_size];
  const E = await param(model, 'model.embed_tokens.weight');
  const eA = await param(model, 'model.embed_tokens.lora_embedding_A'); // [r, V]
  const eB = await param(model, 'model.embed_tokens.lora_embedding_B'); // [d, r]
  const dE = matMulT(transpose(eA, R, V), eB, V, d, R); // Aᵀ [V, r] · (B [d, r])ᵀ = (B A)ᵀ
  const H = await param(model, 'lm_head.weight');
  const hA = await param(model, 'lm_head.lora_A.weight'); // [r, d]
  const hB = await param(model, 'lm_head.lora_B.weight'); // [V, r]
  const dH = matMulT(hB, transpose(hA, R, d), V, d, R);
  return { E: E.map((v, i) => v + S * (dE[i] as number)), H: H.map((v, i) => v + S * (dH[i] as number)) };
}

describeOnBackends('LoRA on embed_tokens and lm_head (PEFT 0.12)', () => {
  it('inits as PEFT (A_emb = 0, B_emb ~ N(0,1), head B = 0) and exports PEFT keys and shapes', async () => {
    const model = untied();
    const base = untied();
    try {
      const h = withLora(model);
      assert.deepEqual(h.targets, ['model.embed_tokens', 'model.layers.0.self_attn.q_proj', 'model.layers.0.self_attn.v_proj', 'model.layers.1.self_attn.q_proj', 'model.layers.1.self_attn.v_proj', 'lm_head']);
      const out = await h.adapterTensors();
      const P = 'base_model.model.';
      assert.deepEqual([...out.keys()], [
        `${P}model.embed_tokens.lora_embedding_A`, `${P}model.embed_tokens.lora_embedding_B`,
        ...[0, 1].flatMap((i) => ['q_proj', 'v_proj'].flatMap((m) => [`${P}model.layers.${i}.self_attn.${m}.lora_A.weight`, `${P}model.layers.${i}.self_attn.${m}.lora_B.weight`])),
        `${P}lm_head.lora_A.weight`, `${P}lm_head.lora_B.weight`,
      ]);
      const shape = (k: string): number[] => out.get(P + k)!.shape;
      assert.deepEqual(shape('model.embed_tokens.lora_embedding_A'), [R, 96]);
      assert.deepEqual(shape('model.embed_tokens.lora_embedding_B'), [32, R]);
      assert.deepEqual(shape('lm_head.lora_A.weight'), [R, 32]);
      assert.deepEqual(shape('lm_head.lora_B.weight'), [96, R]);
      assert.ok(out.get(`${P}model.embed_tokens.lora_embedding_A`)!.data.every((v) => v === 0));
      assert.ok(out.get(`${P}lm_head.lora_B.weight`)!.data.every((v) => v === 0));
      const b = out.get(`${P}model.embed_tokens.lora_embedding_B`)!.data as Float32Array;
      const std = Math.sqrt(b.reduce((s, v) => s + v * v, 0) / b.length);
      assert.ok(Math.abs(std - 1) < 0.25, `lora_embedding_B std ${std}`);
      const ha = out.get(`${P}lm_head.lora_A.weight`)!.data as Float32Array;
      assert.ok(ha.every((v) => Math.abs(v) <= 1 / Math.sqrt(32)) && ha.some((v) => v !== 0), 'head A: kaiming_uniform(a=√5)');
      assert.deepEqual(model.namedParameters().filter(([, p]) => p.trainable).map(([n]) => n).filter((n) => !LORA_PARAM.test(n)), []);
      // At init the adapter is a no-op, exactly.
      const [got, want] = [model.forward(IDS), base.forward(IDS)];
      assert.deepEqual(await got.data(), await want.data());
      tf.dispose([got, want]);
    } finally {
      model.dispose();
      base.dispose();
    }
  });

  it('forward: embedding LoRA = base(x) + Aᵀ[x]·Bᵀ·s, head LoRA = h·Hᵀ + s·(h·A_hᵀ)·B_hᵀ (host arithmetic)', async () => {
    const model = untied();
    const ref = untied();
    try {
      withLora(model);
      randomize(model, 11);
      const [V, d, N] = [96, 32, 12];
      const hidden = await model.forwardHidden(IDS).data();
      const logits = await model.forward(IDS).data();
      const H = await param(model, 'lm_head.weight');
      const hA = await param(model, 'lm_head.lora_A.weight');
      const hB = await param(model, 'lm_head.lora_B.weight');
      const hid = Float32Array.from(hidden);
      const base = matMulT(hid, H, N, V, d);
      const delta = matMulT(matMulT(hid, hA, N, R, d), hB, N, V, R);
      assertClose(logits, base.map((v, i) => v + S * (delta[i] as number)), 1e-4, 1e-4, 'logits');
      // The embedding path: the same body over E + s·(B A)ᵀ gives the same hidden states.
      setParam(ref, 'model.embed_tokens.weight', (await mergedOnHost(model)).E);
      const refLora = withLora(ref, ['q_proj', 'v_proj']);
      for (const [n, p] of ref.namedParameters()) if (/lora_[AB]\.weight$/.test(n)) p.assign(tf.tensor(await param(model, n), p.shape));
      assert.equal(refLora.targets.length, 4);
      assertClose(await ref.forwardHidden(IDS).data(), hidden, 1e-5, 1e-4, 'hidden');
    } finally {
      model.dispose();
      ref.dispose();
    }
  });

  it('gradients equal the merged-model identity; the padding_idx column of lora_embedding_A gets none', async () => {
    const model = untied();
    const merged = randomModel(parseModelConfig(UNTIED), { seed: 7, trainable: (n) => n === 'model.embed_tokens.weight' || n === 'lm_head.weight' });
    try {
      withLora(model, ['embed_tokens', 'lm_head']);
      randomize(model, 5);
      const { E, H } = await mergedOnHost(model);
      setParam(merged, 'model.embed_tokens.weight', E);
      setParam(merged, 'lm_head.weight', H);
      const grads = async (m: CausalLM): Promise<Map<string, Float32Array>> => {
        const named = m.namedParameters().filter(([, p]) => p.trainable);
        const { value, grads: g } = tf.variableGrads(() => causalLmLoss(m.forward(IDS), LABELS).loss as tf.Scalar, named.map(([, p]) => p.variable));
        const out = new Map<string, Float32Array>([['loss', Float32Array.from(await value.data())]]);
        for (const [n, p] of named) out.set(n, Float32Array.from(await g[p.variable.name]!.data()));
        tf.dispose([value, ...Object.values(g)]);
        return out;
      };
      const [gl, gm] = [await grads(model), await grads(merged)];
      assertClose(gl.get('loss')!, gm.get('loss')!, 1e-5, 1e-5, 'loss');
      const [V, d] = [96, 32];
      const GE = gm.get('model.embed_tokens.weight')!; // [V, d]
      const GH = gm.get('lm_head.weight')!; // [V, d]
      const eA = await param(model, 'model.embed_tokens.lora_embedding_A');
      const eB = await param(model, 'model.embed_tokens.lora_embedding_B');
      const hA = await param(model, 'lm_head.lora_A.weight');
      const hB = await param(model, 'lm_head.lora_B.weight');
      // dA_e[k, v] = s·Σ_j B[j, k]·G_E[v, j] except v = padding_idx; dB_e[j, k] = s·Σ_v G_E[v, j]·A[k, v].
      const dAe = matMulT(transpose(eB, d, R), GE, R, V, d).map((v, i) => (i % V === 0 ? 0 : S * v));
      const dBe = matMulT(transpose(GE, V, d), eA, d, R, V).map((v) => S * v);
      const dAh = matMulT(transpose(hB, V, R), transpose(GH, V, d), R, d, V).map((v) => S * v);
      const dBh = matMulT(GH, hA, V, R, d).map((v) => S * v);
      const tol = (x: Float32Array): number => 1e-4 * Math.max(...x.map(Math.abs));
      for (const [name, want] of [['model.embed_tokens.lora_embedding_A', dAe], ['model.embed_tokens.lora_embedding_B', dBe], ['lm_head.lora_A.weight', dAh], ['lm_head.lora_B.weight', dBh]] as const) {
        assertClose(gl.get(name)!, want, tol(want), 1e-3, name);
      }
      const padColumn = Array.from({ length: R }, (_, k) => gl.get('model.embed_tokens.lora_embedding_A')![k * V]);
      assert.deepEqual(padColumn, [0, 0, 0, 0]);
      assert.ok(GE.slice(0, d).some((v) => v !== 0), 'the merged model does give the pad row a gradient (so the zero above is PEFT’s padding_idx)');
    } finally {
      model.dispose();
      merged.dispose();
    }
  });

  it('mergeLora and the host mergeAdapter (tune merge / --adapter) give the adapter model’s logits', async () => {
    const model = untied();
    const dir = mkdtempSync(join(tmpdir(), 'lora-emb-head-'));
    try {
      const h = withLora(model);
      randomize(model, 9);
      const want = await model.forward(IDS).data();
      await saveLoraAdapter(dir, { config: { r: R, loraAlpha: ALPHA, useRslora: true, targetModules: TARGETS }, tensors: await h.adapterTensors() });
      const base = untied();
      const weights = new Map<string, HostTensor>();
      for (const [n, p] of base.namedParameters()) weights.set(n, { dtype: 'F32', shape: p.shape.slice(), data: Float32Array.from(await p.data()) });
      base.dispose();
      const changed = await mergeAdapter(weights, dir, model.catalog);
      assert.deepEqual(changed, ['lm_head.weight', 'model.embed_tokens.weight', 'model.layers.0.self_attn.q_proj.weight', 'model.layers.0.self_attn.v_proj.weight', 'model.layers.1.self_attn.q_proj.weight', 'model.layers.1.self_attn.v_proj.weight']);
      const host = buildModel(parseModelConfig(UNTIED), weights);
      assertClose(await host.forward(IDS).data(), want, 1e-4, 1e-4, 'host-merged logits');
      host.dispose();
      assert.deepEqual(mergeLora(model, h).sort(), changed);
      assert.deepEqual(model.namedParameters().filter(([n]) => LORA_PARAM.test(n)), []);
      assertClose(await model.forward(IDS).data(), want, 1e-4, 1e-4, 'merged logits');
      const { E, H } = { E: await param(model, 'model.embed_tokens.weight'), H: await param(model, 'lm_head.weight') };
      assertClose(E, weights.get('model.embed_tokens.weight')!.data as Float32Array, 1e-6, 1e-5, 'E');
      assertClose(H, weights.get('lm_head.weight')!.data as Float32Array, 1e-6, 1e-5, 'H');
    } finally {
      model.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const fixture of ['tests/fixtures/parity/llama/model', 'models/stories260k']) it(`tied model (${fixture}): the head adapter leaves the input embedding alone; merging is refused`, async () => {
    const model = await loadModel(fixture);
    const base = await loadModel(fixture);
    const dir = mkdtempSync(join(tmpdir(), 'lora-tied-'));
    try {
      const h = withLora(model, ['embed_tokens', 'lm_head']);
      randomize(model, 2, /^lm_head\.lora_/);
      assert.deepEqual(await model.forwardHidden(IDS).data(), await base.forwardHidden(IDS).data());
      const [a, b] = [await model.forward(IDS).data(), await base.forward(IDS).data()];
      assert.ok(a.some((v, i) => Math.abs(v - (b[i] as number)) > 1e-3), 'the head adapter changes the logits');
      const keys = [...(await h.adapterTensors()).keys()];
      assert.deepEqual(keys, ['base_model.model.model.embed_tokens.lora_embedding_A', 'base_model.model.model.embed_tokens.lora_embedding_B', 'base_model.model.lm_head.lora_A.weight', 'base_model.model.lm_head.lora_B.weight']);
      assert.throws(() => mergeLora(model, h), (e: unknown) => e instanceof TuneError && e.code === 'LORA_MERGE_TIED' && /ties `lm_head` to `model\.embed_tokens`/.test(e.message));
      await saveLoraAdapter(dir, { config: { r: R, loraAlpha: ALPHA, useRslora: true, targetModules: ['lm_head'] }, tensors: new Map([...(await h.adapterTensors())].filter(([k]) => k.includes('lm_head'))) });
      await assert.rejects(loadModel(fixture, { adapter: dir }), (e: unknown) => e instanceof TuneError && e.code === 'LORA_MERGE_TIED');
    } finally {
      model.dispose();
      base.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
