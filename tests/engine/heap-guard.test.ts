import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isTuneError, type Diagnostic } from '../../src/diagnostics/index.js';
import { WASM_HEAP_MAX_BYTES, checkWasmBudget, configureHeapGuard, heapGuardSettings, initEngine, memoryStats, tf } from '../../src/engine/index.js';
import { estimateTrainingMemory, type MemoryInputs } from '../../src/plan/memory.js';
import { TFJS_BACKENDS } from '../../src/engine/backends.js';

const run = promisify(execFile);

function diagnosticOf(f: () => unknown): Diagnostic {
  try {
    f();
  } catch (e) {
    assert.ok(isTuneError(e), `expected a TuneError, got ${String(e)}`);
    return e.diagnostics[0]!;
  }
  assert.fail('expected a TuneError');
}

/** GPT-2 small with LoRA r=8 on q and v, batch 1, 256 tokens, AdamW, on wasm (XNNPACK packs every weight). */
const WASM = TFJS_BACKENDS.find((b) => b.name === 'wasm')!;
const GPT2_LORA: MemoryInputs = {
  dims: { layers: 12, hidden: 768, heads: 12, kvHeads: 12, headDim: 64, intermediate: 3072, vocab: 50257, mlpWideTensors: 2, ropeElements: 0 },
  params: { total: 124_439_808, trainable: 294_912, quantized: 0, matmul: 124_439_808 },
  optimizerState: { bytes: 8 * 294_912, host: false },
  microBatchSize: 1,
  sequenceLen: 256,
  gradientCheckpointing: false,
  engineCopies: WASM.copies,
};

describe('engine: wasm heap budget (before a run)', () => {
  it('estimates the bytes of a GPT-2-small LoRA step by the documented formula', () => {
    const m = estimateTrainingMemory(GPT2_LORA);
    const { weights, packedWeights, gradients, optimizerState, activations, logits, reserve, total } = m;
    assert.deepEqual(
      { weights, packedWeights, gradients, optimizerState, activations, logits, reserve, total },
      // activations: 3 (wasm's op-by-op scale) × 12 layers × 4 bytes × (256 · (8·768 + 2·768 + 2·3072) + 2·12·256²)
      { weights: 497_759_232, packedWeights: 497_759_232, gradients: 1_179_648, optimizerState: 2_359_296, activations: 3 * 245_366_784, logits: 154_389_504, reserve: 67_108_864, total: 1_956_656_128 },
    );
    const cpu = TFJS_BACKENDS.find((b) => b.name === 'cpu')!;
    const ckpt = estimateTrainingMemory({ ...GPT2_LORA, gradientCheckpointing: true, engineCopies: cpu.copies });
    // Each layer's input (12 · 256 · 768 · 4 bytes) + one layer recomputed, at cpu's 2.5.
    assert.equal(ckpt.activations, 9_437_184 + 2.5 * 20_447_232);
    assert.equal(ckpt.packedWeights, 0);
  });

  it('checkWasmBudget passes what fits and fails with ENGINE_WASM_HEAP, the sizes and what to change', () => {
    checkWasmBudget(estimateTrainingMemory(GPT2_LORA).wasmHeap, WASM_HEAP_MAX_BYTES);
    const p = GPT2_LORA.params;
    const full = estimateTrainingMemory({ ...GPT2_LORA, params: { ...p, trainable: p.total }, optimizerState: { bytes: 8 * p.total, host: false }, microBatchSize: 8 });
    const d = diagnosticOf(() => checkWasmBudget(full.wasmHeap, WASM_HEAP_MAX_BYTES));
    assert.equal(d.code, 'ENGINE_WASM_HEAP');
    assert.equal(d.message, 'the wasm heap is too small for this run (estimated before it starts): needs 9.02 GiB, 4.00 GiB available');
    assert.equal(d.found, '9.02 GiB'); // 9_679_823_872 bytes: 5 × 4 × params + 3 × activations + logits + reserve
    assert.equal(d.expected, 'at most 4.00 GiB');
    assert.match(d.hint ?? '', /gradient checkpointing.*micro_batch_size.*sequence_len.*--backend cpu/);
  });
});

describe('engine: wasm heap guard (during a run)', function () {
  this.timeout(30_000);
  let saved: ReturnType<typeof heapGuardSettings>;
  before(async () => {
    await initEngine('wasm');
    saved = heapGuardSettings();
  });
  after(() => configureHeapGuard(saved));

  it('fails a tensor allocation that would eat into the reserve, and the engine keeps working', () => {
    const heap = memoryStats().wasmHeapBytes!;
    configureHeapGuard({ limitBytes: heap + 64 * 2 ** 20, reserveBytes: 32 * 2 ** 20 });
    const held: tf.Tensor[] = [];
    const d = diagnosticOf(() => {
      for (let i = 0; i < 64; i++) held.push(tf.zeros([2 ** 22]));
    });
    assert.equal(d.code, 'ENGINE_WASM_HEAP');
    assert.match(d.message, /while allocating a 16\.0 MiB tensor \(tensors \+ 32\.0 MiB reserve would pass the cap\)/);
    // Allocations end below the cap minus the reserve: at most the heap's free space + 32 MiB of them
    // (how much of the heap is free depends on the tests before this one).
    assert.ok(held.length < 64 && held.length * 16 * 2 ** 20 <= heap + 32 * 2 ** 20, `held ${held.length}`);
    tf.dispose(held);
    configureHeapGuard(saved);
    assert.deepEqual(Array.from(tf.add(tf.tensor1d([1, 2]), 1).dataSync()), [2, 3]);
  });

  const script = fileURLToPath(new URL('./fixtures/exhaust-heap.ts', import.meta.url));
  const child = async (mode: string): Promise<{ outcome: string; code: string; message: string }> => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, mode], { timeout: 60_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as { outcome: string; code: string; message: string };
  };

  it('turns a failed malloc at the real 4 GiB cap into ENGINE_WASM_HEAP (child process)', async () => {
    const r = await child('malloc');
    assert.equal(r.outcome, 'error');
    assert.equal(r.code, 'ENGINE_WASM_HEAP');
    assert.match(r.message, /while allocating a 512\.0 MiB tensor \(malloc failed\): needs 4096\.0 MiB, 4095\.9 MiB available/);
  });

  it('turns XNNPACK failing to pack a weight ("XNN status 6", garbage output) into ENGINE_WASM_HEAP (child process)', async () => {
    const r = await child('xnn');
    assert.equal(r.outcome, 'error');
    assert.equal(r.code, 'ENGINE_WASM_HEAP');
    assert.match(r.message, /during a matrix product \(XNNPACK could not allocate its packed weights: "XNN status 6"\)/);
  });
});
