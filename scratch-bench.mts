import { initEngine } from './src/engine/index.js';
import { loadModel, randomModel, parseModelConfig } from './src/models/index.js';
import { generate } from './src/generate/index.js';
await initEngine((process.argv[2] ?? 'wasm') as 'wasm');
async function speed(name: string, model: any, prompt: number[], n: number) {
  for (const useCache of [true, false]) {
    await generate(model, prompt, { maxNewTokens: 2, useCache }); // warm-up (XNNPACK packing)
    const t0 = performance.now();
    const r = await generate(model, prompt, { maxNewTokens: n, useCache });
    const s = (performance.now() - t0) / 1000;
    console.log(`${name} cache=${useCache}: ${r.tokens.length} tokens in ${s.toFixed(2)} s = ${(r.tokens.length / s).toFixed(1)} tok/s`);
  }
}
for (const arch of ['gpt2', 'llama', 'mpt']) {
  const m = await loadModel(`tests/fixtures/parity/${arch}/model`);
  await speed(arch, m, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], 32);
  m.dispose();
}
let t0 = performance.now();
const big = randomModel(parseModelConfig({ model_type: 'gpt2' }), { seed: 1 });
console.log('gpt2-small random init', ((performance.now() - t0) / 1000).toFixed(1), 's');
await speed('gpt2-small-124M', big, Array.from({ length: 16 }, (_, i) => 100 + i), 32);
