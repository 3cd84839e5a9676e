/**
 * The one diagnostic for "the wasm heap cannot hold this run", shared by the pre-run budget check
 * and the in-run exhaustion detector so both say the same thing.
 */
import { diag, TuneError } from '../../diagnostics/index.js';

/** Largest wasm32 heap emscripten will grow to (4 GiB − 64 KiB). */
export const WASM_HEAP_MAX_BYTES = 4294901760;

/** `1.23 GiB` / `456.0 MiB` style. */
export function formatBytes(bytes: number): string {
  const gib = bytes / 2 ** 30;
  if (Math.abs(gib) >= 1) return `${gib.toFixed(2)} GiB`;
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** What a user can change to fit; the same list wherever the heap runs out. */
export const WASM_HEAP_HINT =
  'enable gradient checkpointing (`gradient_checkpointing: true`), lower `micro_batch_size` or ' +
  '`sequence_len`, use LoRA instead of full fine-tuning, or run on another backend ' +
  '(`--backend cpu` has no 4 GiB cap; `--backend tensorflow` with @tensorflow/tfjs-node installed)';

/**
 * Build the ENGINE_WASM_HEAP error.
 * @param neededBytes bytes the run (or the failing allocation) needs
 * @param availableBytes bytes the wasm heap can hold (its cap, or the guard's configured limit)
 * @param when `before the run` or a description of the failing step
 */
export function wasmHeapError(neededBytes: number, availableBytes: number, when: string): TuneError {
  let needed = formatBytes(neededBytes);
  let available = formatBytes(Math.max(0, availableBytes));
  if (needed === available) {
    // Close to the cap both round to "4.00 GiB"; show the difference.
    needed = `${(neededBytes / 2 ** 20).toFixed(1)} MiB`;
    available = `${(Math.max(0, availableBytes) / 2 ** 20).toFixed(1)} MiB`;
  }
  return new TuneError(
    diag('ENGINE_WASM_HEAP', `the wasm heap is too small ${when}: needs ${needed}, ${available} available`, {
      expected: `at most ${available}`,
      found: needed,
      hint: WASM_HEAP_HINT,
    }),
  );
}

/**
 * Fail with ENGINE_WASM_HEAP when the plan's estimate for the wasm heap exceeds what it can hold
 * (the in-process runner checks this before it loads a model on wasm).
 */
export function checkWasmBudget(neededBytes: number, availableBytes: number): void {
  if (neededBytes > availableBytes) throw wasmHeapError(neededBytes, availableBytes, 'for this run (estimated before it starts)');
}
