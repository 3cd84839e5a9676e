/**
 * The `qlora` method plugin: before LoRA wraps them, every linear projection of the model is
 * replaced by a frozen 4-bit (NF4 or FP4) copy, bit-compatible with bitsandbytes' `Linear4bit`, as
 * transformers' `load_in_4bit` does (the output head and embeddings stay float). The LoRA plugin then
 * puts float32 adapters on top (`qlora` takes the `lora` block too). `compute_dtype` is recorded;
 * these engines compute in float32.
 */
import { definePlugin, lazyHooks } from '../../src/plugin-api.js';
import { loraStarterLines } from '../lora/index.js';
import { planQlora } from './plan.js';
import { QUANTIZATION } from './schema.js';

export default definePlugin({
  name: 'qlora',
  version: '0.1.0',
  description: 'QLoRA: NF4/FP4 frozen base projections (bitsandbytes-compatible) under LoRA adapters',
  recipe: {
    methods: [
      {
        name: 'qlora',
        description: 'LoRA adapters over a base whose projections are stored in 4 bits (bitsandbytes NF4/FP4)',
        keys: { quantization: { schema: QUANTIZATION, notAllowedHint: 'set `method.kind: qlora`, or remove the `quantization` block' } },
        uses: ['lora'],
        requires: [{ key: 'quantization', message: '`method.kind: qlora` needs a `quantization` block', hint: 'add `quantization: {type: nf4, double_quant: true}` under `method`' }],
        exports: { allowed: ['adapter', 'merged', 'full'], default: ['adapter'] },
        example: { kind: 'qlora', lora: { r: 64, alpha: 16 }, quantization: { type: 'nf4', double_quant: true, compute_dtype: 'bfloat16' } },
        starter: ({ arch }) => ({
          lines: [
            ...loraStarterLines(arch),
            '  quantization:             # the frozen base is stored in 4 bits (bitsandbytes NF4)',
            '    type: nf4',
            '    double_quant: true',
            '    blocksize: 64',
            '    compute_dtype: bfloat16',
          ],
          lr: '2.0e-4',
        }),
      },
    ],
    aliases: {
      load_in_4bit: { to: 'method.kind', note: 'write `method.kind: qlora` with a `method.quantization` block' },
      bnb_4bit_quant_type: { to: 'method.quantization.type' },
      bnb_4bit_use_double_quant: { to: 'method.quantization.double_quant' },
      bnb_4bit_compute_dtype: { to: 'method.quantization.compute_dtype' },
    },
  },
  setup: () => ({ planModel: planQlora, ...lazyHooks(async () => (await import('./runtime.js')).qloraHooks(), ['prepareModel']) }),
});
