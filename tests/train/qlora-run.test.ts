import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import { loadSafetensors } from '../../src/io/safetensors/index.js';
import { captureIO } from '../helpers/io.js';

const losses = (dir: string): number[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; loss: number }).filter((r) => r.type === 'train').map((r) => r.loss);

describe('QLoRA through tune run (recipes/tiny/stories-qlora.yaml)', function () {
  this.timeout(240_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'qlora-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('quantizes the base to NF4, trains LoRA on top with a falling loss close to the float LoRA run, exports the adapter and a dequantized merged model', async () => {
    const common = ['training.max_steps=24', 'logging.steps=4', 'logging.progress=none', 'engine.backend=wasm'];
    const q = captureIO(dir);
    assert.equal(await main(['run', resolve('recipes/tiny/stories-qlora.yaml'), 'output.dir=./q', 'output.export=[adapter, merged]', ...common], q), 0, q.err());
    assert.match(q.out(), /qlora: nf4 \+ double quant, blocksize 64: 226,560 base weights in/);
    const l = captureIO(dir);
    assert.equal(await main(['run', resolve('recipes/tiny/stories-qlora.yaml'), 'output.dir=./l', 'method.kind=lora', '~method.quantization', ...common], l), 0, l.err());
    const ql = losses(join(dir, 'q'));
    const ll = losses(join(dir, 'l'));
    assert.ok((ql.at(-1) as number) < 0.6 * (ql[0] as number), `QLoRA loss falls: ${ql.join(', ')}`);
    assert.ok(Math.abs((ql.at(-1) as number) - (ll.at(-1) as number)) < 0.25 * (ll.at(-1) as number), `QLoRA ${ql.at(-1)} vs LoRA ${ll.at(-1)}`);
    const adapter = JSON.parse(readFileSync(join(dir, 'q', 'adapter', 'adapter_config.json'), 'utf8')) as { peft_type: string; target_modules: string[] };
    assert.equal(adapter.peft_type, 'LORA');
    assert.deepEqual(adapter.target_modules, ['down_proj', 'gate_proj', 'k_proj', 'o_proj', 'q_proj', 'up_proj', 'v_proj']);
    // The merged model is a float32 HF folder: every weight present, projections dequantized + ΔW.
    const merged = await loadSafetensors(join(dir, 'q', 'merged', 'model.safetensors'));
    const base = await loadSafetensors(resolve('models/stories260k/model.safetensors'));
    assert.deepEqual([...merged.keys()].sort(), [...base.keys()].sort());
    for (const [name, t] of merged) assert.equal(t.dtype, 'F32', name);
    const w = merged.get('model.layers.0.self_attn.q_proj.weight')?.data as Float32Array;
    const b = base.get('model.layers.0.self_attn.q_proj.weight')?.data as Float32Array;
    let diff = 0;
    let norm = 0;
    w.forEach((x, i) => {
      diff += (x - (b[i] as number)) ** 2;
      norm += (b[i] as number) ** 2;
    });
    assert.ok(diff > 0 && diff < 0.25 * norm, 'merged = NF4 base (close to the float base) + adapter');
  });
});
