import { randomWeights, modelCatalog, parseModelConfig } from './src/models/index.js';
const t0 = performance.now();
const w = randomWeights(modelCatalog(parseModelConfig({ model_type: 'gpt2' })), 1);
console.log(((performance.now() - t0) / 1000).toFixed(1), 's', w.size);
