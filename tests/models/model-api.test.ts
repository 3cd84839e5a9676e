import { strict as assert } from 'node:assert';
import { tf } from '../../src/engine/index.js';
import { TuneError } from '../../src/diagnostics/index.js';
import { type CausalLM, DenseLinear, type LinearImpl, type Parameter, buildModel, loadModel, modelCatalog, parseModelConfig, randomModel, randomWeights, readModelConfig } from '../../src/models/index.js';
import { describeOnBackends } from '../helpers/backends.js';
import { ARCHS, modelDir } from './parity-fixture.js';

async function rows(t: tf.Tensor): Promise<number[]> {
  const d = Array.from(await t.data());
  t.dispose();
  return d;
}

function maxDiff(a: number[], b: number[]): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

describeOnBackends('model API', () => {
  const models = new Map<string, CausalLM>();
  before(async () => {
    for (const arch of ARCHS) models.set(arch, await loadModel(modelDir(arch)));
  });
  after(() => models.forEach((m) => m.dispose()));

  it('modules() lists linears with HF paths, sizes and layouts', () => {
    const gpt2 = models.get('gpt2')!.modules();
    assert.deepEqual(gpt2.find((m) => m.path === 'transformer.h.0.attn.c_attn'), { path: 'transformer.h.0.attn.c_attn', kind: 'linear', inFeatures: 32, outFeatures: 96, layout: 'conv1d', bias: true });
    const llama = models.get('llama')!.modules();
    assert.deepEqual(llama.filter((m) => m.kind === 'linear').length, 2 * 7);
    assert.equal(llama.find((m) => m.path === 'model.layers.1.self_attn.k_proj')?.outFeatures, 16);
    const mpt = models.get('mpt')!.modules();
    assert.equal(mpt.find((m) => m.path === 'transformer.blocks.0.attn.Wqkv')?.layout, 'linear');
  });

  it('frozen by default; a trainable predicate makes exactly the matching parameters variables', async () => {
    assert.equal(models.get('llama')!.trainableVariables().length, 0);
    const m = await loadModel(modelDir('llama'), { trainable: (n) => n.includes('norm') });
    try {
      const trainable = m.namedParameters().filter(([, p]) => p.trainable).map(([n]) => n);
      assert.equal(trainable.length, 5);
      assert.ok(trainable.every((n) => n.includes('norm')));
    } finally {
      m.dispose();
    }
  });

  it('replaceLinear swaps the implementation used by forward and named in namedParameters()', async () => {
    const model = models.get('llama')!;
    const ids = [[5, 6, 7]];
    const before = await rows(model.forward(ids));
    const path = 'model.layers.0.mlp.down_proj';
    const base = model.linear(path).impl;
    class Zero implements LinearImpl {
      readonly kind = 'zero';
      apply(x: tf.Tensor): tf.Tensor {
        return tf.mul(base.apply(x), 0);
      }
      parameters(): [string, Parameter][] {
        return [['base_layer.weight', (base as DenseLinear).weight]];
      }
      dispose(): void {}
    }
    const old = model.replaceLinear(path, new Zero());
    try {
      assert.ok(model.namedParameters().some(([n]) => n === `${path}.base_layer.weight`));
      const after = await rows(model.forward(ids));
      assert.ok(maxDiff(before, after) > 1e-3);
    } finally {
      model.replaceLinear(path, old);
    }
    assert.ok(maxDiff(before, await rows(model.forward(ids))) === 0);
    assert.throws(() => model.linear('model.layers.9.mlp.down_proj'), (e: unknown) => e instanceof TuneError && e.code === 'MODEL_UNKNOWN_MODULE');
  });

  for (const arch of ARCHS) {
    it(`${arch}: packed examples (segment ids + restarted positions) equal separate forwards`, async () => {
      const model = models.get(arch)!;
      const a = [11, 12, 13, 14, 15];
      const b = [21, 22, 23, 24];
      const separate = [...(await rows(model.forward([a]))), ...(await rows(model.forward([b])))];
      const packed = await rows(
        model.forward([[...a, ...b]], { segmentIds: [[0, 0, 0, 0, 0, 1, 1, 1, 1]], positionIds: [[0, 1, 2, 3, 4, 0, 1, 2, 3]] }),
      );
      assert.ok(maxDiff(separate, packed) < 2e-5, `max diff ${maxDiff(separate, packed)}`);
    });

    it(`${arch}: KV-cached incremental logits equal the full forward`, async () => {
      const model = models.get(arch)!;
      const seq = [3, 1, 4, 1, 5, 9, 2];
      const full = await rows(model.forward([seq]));
      const cache = model.newCache();
      try {
        const first = await rows(model.forward([seq.slice(0, 4)], { cache }));
        const rest: number[] = [];
        for (const t of seq.slice(4)) rest.push(...(await rows(model.forward([[t]], { cache }))));
        assert.equal(cache.length, 7);
        assert.ok(maxDiff(full, [...first, ...rest]) < 2e-5);
      } finally {
        cache.dispose();
      }
    });
  }

  it('rejects out-of-vocabulary ids, ragged rows and GPT-2 positions beyond n_positions', () => {
    const invalid = (e: unknown) => e instanceof TuneError && e.code === 'MODEL_INPUT_INVALID';
    assert.throws(() => models.get('llama')!.forward([[512]]), invalid);
    assert.throws(() => models.get('llama')!.forward([[1, 2], [3]]), invalid);
    assert.throws(() => models.get('llama')!.forward([[1, 2]], { attentionMask: [[1]] }), invalid);
    assert.throws(() => models.get('gpt2')!.forward([new Array<number>(65).fill(1)]), invalid);
  });

  it('random init is seeded, deterministic and HF-shaped (c_proj scaled by 1/√(2·n_layer))', async () => {
    const cfg = parseModelConfig({ model_type: 'gpt2', vocab_size: 300, n_positions: 32, n_embd: 64, n_layer: 4, n_head: 4 });
    const m1 = randomModel(cfg, { seed: 5 });
    const m2 = randomModel(cfg, { seed: 5 });
    const m3 = randomModel(cfg, { seed: 6 });
    try {
      const get = async (m: CausalLM, n: string) => Array.from(await new Map(m.namedParameters()).get(n)!.data());
      const w1 = await get(m1, 'transformer.h.0.mlp.c_fc.weight');
      assert.deepEqual(w1, await get(m2, 'transformer.h.0.mlp.c_fc.weight'));
      assert.notDeepEqual(w1, await get(m3, 'transformer.h.0.mlp.c_fc.weight'));
      const std = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length);
      assert.ok(Math.abs(std(w1) - 0.02) < 0.001);
      assert.ok(Math.abs(std(await get(m1, 'transformer.h.0.mlp.c_proj.weight')) - 0.02 / Math.sqrt(8)) < 0.0005);
      assert.ok((await get(m1, 'transformer.h.0.attn.c_attn.bias')).every((v) => v === 0));
      assert.ok((await get(m1, 'transformer.ln_f.weight')).every((v) => v === 1));
    } finally {
      [m1, m2, m3].forEach((m) => m.dispose());
    }
    const llamaCfg = readModelConfig(modelDir('llama'));
    const l = randomModel(llamaCfg, { seed: 1 });
    try {
      const emb = Array.from(await new Map(l.namedParameters()).get('model.embed_tokens.weight')!.data());
      assert.ok(emb.slice(0, 32).every((v) => v === 0), 'pad_token_id row (0) is zero, as nn.Embedding(padding_idx)');
      assert.ok(emb.slice(32, 64).some((v) => v !== 0));
    } finally {
      l.dispose();
    }
  });

  it('qwen2 = llama + q/k/v biases (zero biases reproduce llama, non-zero ones change the logits)', async () => {
    const shape = { hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 50, rope_theta: 10000, rms_norm_eps: 1e-6 };
    const llamaCfg = parseModelConfig({ model_type: 'llama', ...shape });
    const w = randomWeights(modelCatalog(llamaCfg), 3);
    const qwenCfg = parseModelConfig({ model_type: 'qwen2', ...shape });
    const qw = new Map(w);
    for (const spec of modelCatalog(qwenCfg).parameters) if (!qw.has(spec.name)) qw.set(spec.name, { dtype: 'F32', shape: spec.shape, data: new Float32Array(spec.shape[0]!) });
    const ids = [[1, 7, 9, 4]];
    const llama = buildModel(llamaCfg, w);
    const qwen = buildModel(qwenCfg, qw);
    const biased = new Map(qw);
    biased.set('model.layers.0.self_attn.k_proj.bias', { dtype: 'F32', shape: [16], data: new Float32Array(16).fill(0.5) });
    const qwenB = buildModel(qwenCfg, biased);
    try {
      const a = await rows(llama.forward(ids));
      assert.ok(maxDiff(a, await rows(qwen.forward(ids))) < 1e-6);
      assert.ok(maxDiff(a, await rows(qwenB.forward(ids))) > 1e-4);
    } finally {
      [llama, qwen, qwenB].forEach((m) => m.dispose());
    }
  });
});
