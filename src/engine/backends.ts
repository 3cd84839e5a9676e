/**
 * The in-process TensorFlow.js backends as registry entries: `tensorflow` (TensorFlow's native
 * library through @tensorflow/tfjs-node[-gpu], optional), `native` (the OpenBLAS addon built at
 * install), `wasm` (XNNPACK, ships with tunekit) and `cpu` (pure JavaScript). Their probes look for
 * packages and the addon as files, so this module never loads TensorFlow.js; `activate` does.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
// TensorFlow-free: loads the addon only when asked to.
import { ADDON_RELATIVE_PATH, packageRoot } from './native/addon.js';
import type { BackendSpec, EngineCopies } from './registry.js';
import { TENSORFLOW_PACKAGES } from './tensorflow-packages.js';
import { WASM_HEAP_MAX_BYTES } from './wasm/heap-error.js';

/** The native engine: fused kernels, no copies. */
const FUSED: EngineCopies = { transposedWeights: false, packedWeights: false, reserveBytes: 0, activationScale: 1 };
/** Norms, softmax and activations composed op by op (see EngineCopies.activationScale), set from the shipped recipes' measured peaks (tests/exec/plan-vs-run.test.ts). */
const OP_BY_OP = { wasm: 3, cpu: 2.5 };

/** Is `pkg` installed where Node's resolver would find it from this package? */
export function packageInstalled(pkg: string): boolean {
  for (let dir = packageRoot(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', pkg, 'package.json'))) return true;
    if (dirname(dir) === dir) return false;
  }
}

const activate = (name: 'tensorflow' | 'native' | 'wasm' | 'cpu') => async (opts: { threads: number | null }) => (await import('./init-engine.js')).initEngine(name, { threads: opts.threads });

/** The four TensorFlow.js backends (the `tfjs` plugin registers them). */
export const TFJS_BACKENDS: readonly BackendSpec[] = [
  {
    name: 'tensorflow',
    summary: 'TensorFlow\u2019s native library through @tensorflow/tfjs-node or tfjs-node-gpu, when installed',
    autoOrder: 10,
    runner: 'in-process',
    // tfjs-node runs tfjs' own op-by-op compositions (tunekit's fused kernels are the native engine's); not measured here.
    copies: { ...FUSED, activationScale: OP_BY_OP.wasm },
    heapLimitBytes: null,
    probe: () => {
      const pkg = TENSORFLOW_PACKAGES.find(packageInstalled);
      return pkg ? { available: true, reason: `${pkg} installed` } : { available: false, reason: 'tfjs-node not installed' };
    },
    activate: activate('tensorflow'),
  },
  {
    name: 'native',
    summary: 'the OpenBLAS addon built at install',
    autoOrder: 20,
    runner: 'in-process',
    copies: FUSED,
    heapLimitBytes: null,
    probe: (env) => {
      if (env['TUNEKIT_NATIVE'] === '0') return { available: false, reason: 'native disabled by TUNEKIT_NATIVE=0' };
      return existsSync(join(packageRoot(), ADDON_RELATIVE_PATH)) ? { available: true, reason: 'native addon built' } : { available: false, reason: 'native addon not built' };
    },
    activate: activate('native'),
  },
  {
    name: 'wasm',
    summary: 'XNNPACK in WebAssembly, shipped with tunekit; tensors in a 4 GiB heap',
    autoOrder: 30,
    runner: 'in-process',
    copies: { transposedWeights: true, packedWeights: true, reserveBytes: 64 * 2 ** 20, activationScale: OP_BY_OP.wasm },
    heapLimitBytes: WASM_HEAP_MAX_BYTES,
    probe: () => (packageInstalled('@tensorflow/tfjs-backend-wasm') ? { available: true, reason: 'wasm ships with tunekit' } : { available: false, reason: '@tensorflow/tfjs-backend-wasm not installed' }),
    activate: activate('wasm'),
  },
  {
    name: 'cpu',
    summary: 'pure JavaScript, slow',
    autoOrder: 40,
    runner: 'in-process',
    copies: { ...FUSED, activationScale: OP_BY_OP.cpu },
    heapLimitBytes: null,
    probe: () => ({ available: true, reason: 'pure JavaScript' }),
    activate: activate('cpu'),
  },
];
