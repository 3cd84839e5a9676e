import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initEngine, tf } from '../../src/engine/index.js';
import { loadSafetensors, saveSafetensors, type HostTensor } from '../../src/io/safetensors/index.js';
import { loadModel } from '../../src/models/load.js';
import { modelCatalog, readModelConfig } from '../../src/models/catalog.js';
import { quantizationConfigJson, quantizeWeight, quantizedToTensors } from '../../src/quant/index.js';
import { Nf4Linear } from '../../src/models/layers/nf4-linear.js';

const SRC = resolve('models/stories260k');

describe('loading a pre-quantized bitsandbytes 4-bit checkpoint', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    await initEngine('wasm');
    dir = mkdtempSync(join(tmpdir(), 'bnb4-'));
    // Write stories260k as transformers + bitsandbytes would save it with load_in_4bit (NF4, double quant).
    const weights = await loadSafetensors(join(SRC, 'model.safetensors'));
    const linears = modelCatalog(readModelConfig(SRC)).modules.filter((m) => m.kind === 'linear').map((m) => m.path);
    const out = new Map<string, HostTensor>();
    for (const [name, t] of weights) {
      const path = name.replace(/\.weight$/, '');
      if (!linears.includes(path)) out.set(name, t);
      else for (const [k, v] of quantizedToTensors(`${path}.`, quantizeWeight(t.data as Float32Array, t.shape, { quantType: 'nf4', blocksize: 64, compressStatistics: true }))) out.set(k, v);
    }
    await saveSafetensors(join(dir, 'model.safetensors'), out);
    const config = JSON.parse(readFileSync(join(SRC, 'config.json'), 'utf8')) as Record<string, unknown>;
    config['quantization_config'] = quantizationConfigJson({ quantType: 'nf4', useDoubleQuant: true, computeDtype: 'bfloat16', skipModules: [] });
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
    copyFileSync(join(SRC, 'tokenizer.json'), join(dir, 'tokenizer.json'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the stored codes as frozen NF4 slots (no float weight) and computes what the quantized float model computes', async () => {
    const pre = await loadModel(dir);
    const names = pre.namedParameters().map(([n]) => n);
    assert.ok(!names.includes('model.layers.0.self_attn.q_proj.weight'), 'no float copy of a quantized projection');
    assert.ok(pre.linear('model.layers.0.mlp.down_proj').impl instanceof Nf4Linear);
    // Reference: the float model with the same weights quantized in memory.
    const ref = await loadModel(SRC);
    for (const m of ref.modules()) {
      if (m.kind !== 'linear') continue;
      const slot = ref.linear(m.path);
      const w = (slot.impl.parameters().find(([n]) => n === 'weight')?.[1].value.dataSync() ?? new Float32Array()) as Float32Array;
      ref.replaceLinear(m.path, new Nf4Linear(quantizeWeight(w, [m.outFeatures, m.inFeatures], { quantType: 'nf4', blocksize: 64, compressStatistics: true }), 'linear', null));
    }
    const ids = [[1, 403, 407, 261, 378, 289, 500, 13]];
    const a = pre.forward(ids);
    const b = ref.forward(ids);
    const da = a.dataSync();
    const db = b.dataSync();
    let worst = 0;
    da.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - (db[i] as number)))));
    assert.equal(worst, 0, 'identical codes give identical logits');
    tf.dispose([a, b]);
    pre.dispose();
    ref.dispose();
  });
});
