import { strict as assert } from 'node:assert';
import { tf } from '../../src/engine/index.js';
import { type CausalLM, causalLmLoss, causalLmLossFromHidden, loadModel, tokenLossGrid } from '../../src/models/index.js';
import { describeOnBackends } from '../helpers/backends.js';
import { ARCHS, compare, forwardGolden, goldenTensors, l2, manifest, modelDir } from './parity-fixture.js';

const tol = manifest.recommended_tolerances;

describeOnBackends('HF parity: logits, loss, gradients', () => {
  for (const arch of ARCHS) {
    describe(arch, () => {
      const g = forwardGolden(arch);
      let model: CausalLM;
      let logits: Float32Array;
      let loss: number;
      let grid: (number | null)[][];
      const grads = new Map<string, Float32Array>();

      before(async function () {
        this.timeout(60_000);
        model = await loadModel(modelDir(arch), { trainable: true });
        // One forward + backward gives logits, loss, per-token losses and every gradient.
        let kept: { logits: tf.Tensor; tokens: tf.Tensor; positions: [number, number][] } | null = null;
        const { value, grads: gs } = tf.variableGrads(() => {
          const lg = model.forward(g.input_ids, { attentionMask: g.attention_mask });
          const r = causalLmLoss(lg, g.labels);
          kept = { logits: tf.keep(lg), tokens: tf.keep(r.tokenLosses), positions: r.positions };
          return r.loss;
        }, model.trainableVariables());
        const k = kept as unknown as { logits: tf.Tensor; tokens: tf.Tensor; positions: [number, number][] };
        logits = (await k.logits.data()) as Float32Array;
        loss = (await value.data())[0] as number;
        grid = tokenLossGrid(await k.tokens.data(), k.positions, g.input_ids.length, g.input_ids[0]!.length);
        for (const [name, p] of model.namedParameters()) grads.set(name, (await gs[p.variable.name]!.data()) as Float32Array);
        tf.dispose([k.logits, k.tokens, value, ...Object.values(gs)]);
      });
      after(() => model.dispose());

      it('logits match golden/logits.safetensors (every position)', async () => {
        const golden = (await goldenTensors(arch, 'logits.safetensors')).get('logits')!;
        const r = compare(logits, golden.data as Float32Array, tol.logits);
        assert.ok(r.worst <= 1, `max |Δ| ${r.maxAbs} (worst ratio ${r.worst})`);
      });

      it('a frozen (inference) model, which multiplies by cached transposed weights, gives the same logits', async () => {
        const frozen = await loadModel(modelDir(arch));
        try {
          const golden = (await goldenTensors(arch, 'logits.safetensors')).get('logits')!;
          const lg = frozen.forward(g.input_ids, { attentionMask: g.attention_mask });
          const r = compare((await lg.data()) as Float32Array, golden.data as Float32Array, tol.logits);
          lg.dispose();
          assert.ok(r.worst <= 1, `max |Δ| ${r.maxAbs} (worst ratio ${r.worst})`);
          frozen.setTransposeCache(false);
          const lg2 = frozen.forward(g.input_ids, { attentionMask: g.attention_mask });
          const r2 = compare((await lg2.data()) as Float32Array, golden.data as Float32Array, tol.logits);
          lg2.dispose();
          assert.ok(r2.worst <= 1, `without cache: max |Δ| ${r2.maxAbs}`);
        } finally {
          frozen.dispose();
        }
      });

      it('loss matches forward.json', () => {
        assert.ok(Math.abs(loss - g.loss) <= tol.loss.atol + tol.loss.rtol * Math.abs(g.loss), `${loss} vs ${g.loss}`);
      });

      it('per-token losses match forward.json (same ignored positions)', () => {
        assert.deepEqual(grid.map((row) => row.map((v) => v === null)), g.per_token_loss.map((row) => row.map((v) => v === null)));
        grid.forEach((row, b) =>
          row.forEach((v, t) => {
            const gv = g.per_token_loss[b]![t];
            if (v !== null && gv !== null && gv !== undefined) assert.ok(Math.abs(v - gv) <= tol.per_token_loss.atol + tol.per_token_loss.rtol * Math.abs(gv), `[${b}][${t}] ${v} vs ${gv}`);
          }),
        );
      });

      it('the hidden-state loss (LM head on labelled rows only) gives the same loss and gradients', async () => {
        const { value, grads: gs } = tf.variableGrads(
          () => causalLmLossFromHidden(model, model.forwardHidden(g.input_ids, { attentionMask: g.attention_mask }), g.labels).loss,
          model.trainableVariables(),
        );
        const l = (await value.data())[0]!;
        assert.ok(Math.abs(l - g.loss) <= tol.loss.atol + tol.loss.rtol * Math.abs(g.loss), `${l} vs ${g.loss}`);
        const golden = await goldenTensors(arch, 'grads.safetensors');
        for (const [name, p] of model.namedParameters()) {
          const r = compare((await gs[p.variable.name]!.data()) as Float32Array, golden.get(name)!.data as Float32Array, tol.grads);
          assert.ok(r.worst <= 1, `${name}: max |Δ| ${r.maxAbs}`);
        }
        tf.dispose([value, ...Object.values(gs)]);
      });

      it('parameter names and order follow HF named_parameters()', async () => {
        const golden = await goldenTensors(arch, 'grads.safetensors');
        assert.deepEqual([...grads.keys()].sort(), [...golden.keys()].sort());
        const names = model.namedParameters().map(([n]) => n);
        // HF order: embeddings first, final norm last (tied lm_head absent).
        assert.ok(names[0]!.endsWith(arch === 'llama' ? 'embed_tokens.weight' : 'wte.weight'));
        assert.ok(/(ln_f|norm|norm_f)\.(weight|bias)$/.test(names[names.length - 1]!));
      });

      it('every gradient matches golden/grads.safetensors (elementwise and L2 norm)', async () => {
        const golden = await goldenTensors(arch, 'grads.safetensors');
        for (const [name, gt] of golden) {
          const mine = grads.get(name)!;
          const r = compare(mine, gt.data as Float32Array, tol.grads);
          assert.ok(r.worst <= 1, `${name}: max |Δ| ${r.maxAbs} (worst ratio ${r.worst})`);
          const n1 = l2(mine);
          const n2 = l2(gt.data as Float32Array);
          assert.ok(Math.abs(n1 - n2) <= 1e-4 * n2 + 1e-12, `${name}: L2 ${n1} vs ${n2}`);
        }
      });
    });
  }
});

describeOnBackends('HF parity through frozen projections (LoRA-style training path)', () => {
  for (const arch of ARCHS) {
    it(`${arch}: gradients of the trainable norms match golden while every linear and the head are frozen`, async () => {
      const g = forwardGolden(arch);
      const model = await loadModel(modelDir(arch), { trainable: (n) => /(ln_|norm)/.test(n) });
      try {
        const { value, grads } = tf.variableGrads(() => causalLmLoss(model.forward(g.input_ids, { attentionMask: g.attention_mask }), g.labels).loss, model.trainableVariables());
        const golden = await goldenTensors(arch, 'grads.safetensors');
        const trainable = model.namedParameters().filter(([, p]) => p.trainable);
        assert.ok(trainable.length >= 5);
        for (const [name, p] of trainable) {
          const r = compare((await grads[p.variable.name]!.data()) as Float32Array, golden.get(name)!.data as Float32Array, tol.grads);
          assert.ok(r.worst <= 1, `${name}: max |Δ| ${r.maxAbs}`);
        }
        tf.dispose([value, ...Object.values(grads)]);
      } finally {
        model.dispose();
      }
    });
  }
});

describeOnBackends('HF parity with gradient checkpointing (layers recomputed in backward)', () => {
  for (const arch of ARCHS) {
    it(`${arch}: loss and every gradient match golden (all trainable, then norms only)`, async () => {
      const g = forwardGolden(arch);
      const golden = await goldenTensors(arch, 'grads.safetensors');
      for (const trainable of [true, (n: string) => /(ln_|norm)/.test(n)]) {
        const model = await loadModel(modelDir(arch), { trainable });
        model.setGradientCheckpointing(true);
        try {
          const { value, grads } = tf.variableGrads(() => causalLmLoss(model.forward(g.input_ids, { attentionMask: g.attention_mask }), g.labels).loss, model.trainableVariables());
          const l = (await value.data())[0]!;
          assert.ok(Math.abs(l - g.loss) <= tol.loss.atol + tol.loss.rtol * Math.abs(g.loss), `${l} vs ${g.loss}`);
          for (const [name, p] of model.namedParameters().filter(([, q]) => q.trainable)) {
            const r = compare((await grads[p.variable.name]!.data()) as Float32Array, golden.get(name)!.data as Float32Array, tol.grads);
            assert.ok(r.worst <= 1, `${name}: max |Δ| ${r.maxAbs}`);
          }
          tf.dispose([value, ...Object.values(grads)]);
        } finally {
          model.dispose();
        }
      }
    });
  }
});
