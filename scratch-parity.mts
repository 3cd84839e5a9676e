import { initEngine, tf } from './src/engine/index.js';
import { loadModel, causalLmLoss } from './src/models/index.js';
import { ARCHS, modelDir, forwardGolden, goldenTensors, compare, manifest } from './tests/models/parity-fixture.js';
await initEngine((process.argv[2] ?? 'cpu') as 'cpu');
for (const arch of ARCHS) {
  const t0 = Date.now();
  const model = await loadModel(modelDir(arch), { trainable: true });
  const g = forwardGolden(arch);
  const logits = model.forward(g.input_ids, { attentionMask: g.attention_mask });
  const gl = (await goldenTensors(arch, 'logits.safetensors')).get('logits')!;
  const c = compare(await logits.data(), gl.data as Float32Array, manifest.recommended_tolerances.logits);
  const vars = model.trainableVariables();
  const { value, grads } = tf.variableGrads(() => causalLmLoss(model.forward(g.input_ids, { attentionMask: g.attention_mask }), g.labels).loss, vars);
  const gg = await goldenTensors(arch, 'grads.safetensors');
  let worstG = 0, maxG = 0;
  const names = model.namedParameters();
  for (const [name, p] of names) {
    const grad = grads[p.variable.name]!;
    const gold = gg.get(name)!;
    const r = compare(await grad.data(), gold.data as Float32Array, manifest.recommended_tolerances.grads);
    worstG = Math.max(worstG, r.worst); maxG = Math.max(maxG, r.maxAbs);
  }
  console.log(arch, 'logits', c, 'loss', (await value.data())[0], g.loss, 'grads', maxG, worstG, names.length, gg.size, Date.now() - t0, 'ms');
}
