/**
 * Backend selection. `auto` prefers TensorFlow's native library through @tensorflow/tfjs-node-gpu,
 * then @tensorflow/tfjs-node, when installed (optional packages, imported by a computed specifier
 * so neither TypeScript nor a bundler requires them), else wasm (XNNPACK), else the pure-JS cpu
 * backend. Switching between initialised backends is cheap, so tests run every numeric check on
 * wasm and on cpu in one process.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../diagnostics/index.js';
import { installBufferMeter } from './buffer-bytes.js';
import { installFrugalGradients } from './frugal-gradients.js';
import { registerEngineGradients } from './gradients/registry.js';
import { registerEngineKernels } from './kernels/registry.js';
import { TENSORFLOW_PACKAGES } from './tensorflow-packages.js';
import { activateWasm } from './wasm/load.js';
import { activateNative } from './native/backend.js';
import type { EngineInfo as RegistryEngineInfo } from './registry.js';

export { TENSORFLOW_PACKAGES };

/** The TensorFlow.js backends this module activates (the registry's in-process backends). */
export type BackendName = 'auto' | 'tensorflow' | 'native' | 'wasm' | 'cpu';
export type ActiveBackend = Exclude<BackendName, 'auto'>;

/** What {@link initEngine} chose. */
export interface EngineInfo extends RegistryEngineInfo {
  backend: ActiveBackend;
  /** What runs, e.g. `wasm (XNNPACK, SIMD, 1 thread)`. */
  detail: string;
}

/** Options for {@link initEngine}; tests inject the optional-package importer. */
export interface EngineOptions {
  /** Imports an optional package by name (default: dynamic `import()`). */
  importOptional?: (specifier: string) => Promise<unknown>;
  /** Threads the recipe asked for (`engine.threads`); the message says what the backend runs. */
  threads?: number | null;
}

const BACKENDS: readonly BackendName[] = ['auto', 'tensorflow', 'native', 'wasm', 'cpu'];
const chosen = new Map<BackendName, EngineInfo>();
let prepared: Promise<void> | null = null;

function describeImportError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') return 'not installed';
  return `failed to load (${String(err.message ?? e).split('\n')[0]})`;
}

async function tryTensorflow(importer: (s: string) => Promise<unknown>): Promise<{ pkg: string } | { why: string[] }> {
  const why: string[] = [];
  for (const pkg of TENSORFLOW_PACKAGES) {
    try {
      await importer(pkg);
      if (tf.engine().registryFactory['tensorflow'] != null && (await tf.setBackend('tensorflow'))) return { pkg };
      why.push(`${pkg} loaded but did not register the tensorflow backend`);
    } catch (e) {
      why.push(`${pkg} ${describeImportError(e)}`);
    }
  }
  return { why };
}

async function activateCpu(): Promise<void> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
}

async function prepare(): Promise<void> {
  // PROD silences tfjs' console banners ("looks like you are running TensorFlow.js in Node.js");
  // tunekit prints its own engine line.
  tf.env().set('PROD', true);
  await registerEngineGradients();
  // A backward pass that frees each node's saved tensors and output gradients once used (tfjs'
  // keeps them all until the end, so its peak holds every activation and every gradient at once).
  installFrugalGradients();
  // Tensor memory by buffer (views share their input's), for the measured peak of a step.
  installBufferMeter();
  // The backend packages register their stock kernels when first imported; import them before
  // registering ours so ours replace theirs, not the other way round.
  await import('@tensorflow/tfjs-backend-cpu');
  await import('@tensorflow/tfjs-backend-wasm');
  registerEngineKernels();
}

type Attempt = { what: string; via?: string } | { why: string };

/** One TensorFlow.js backend: try to activate it, or say why it cannot run. */
interface Activator {
  name: ActiveBackend;
  attempt(options: EngineOptions): Promise<Attempt>;
  /** The diagnostic when it was asked for by name and cannot run. */
  unavailable(why: string): never;
}

const ACTIVATORS: readonly Activator[] = [
  {
    name: 'tensorflow',
    async attempt(o) {
      const r = await tryTensorflow(o.importOptional ?? ((s: string) => import(s)));
      return 'pkg' in r ? { what: `tensorflow via ${r.pkg}`, via: r.pkg } : { why: r.why.join('; ') };
    },
    unavailable: (why) =>
      fail('ENGINE_BACKEND_UNAVAILABLE', 'backend `tensorflow` was requested but TensorFlow’s native library is not available', {
        expected: `one of ${TENSORFLOW_PACKAGES.join(', ')} installed and loadable`,
        found: why,
        hint: 'install @tensorflow/tfjs-node (or -node-gpu with CUDA 11.2/cuDNN 8.1); its install downloads libtensorflow and 4.22’s addon needs Node < 20.3. Or use `--backend wasm` / `--backend cpu`.',
      }),
  },
  {
    name: 'native',
    attempt: (o) => activateNative(o.threads),
    unavailable: (why) =>
      fail('ENGINE_BACKEND_UNAVAILABLE', 'backend `native` was requested but the native addon is not available', {
        expected: 'native/build/Release/tunekit_native.node built at install (C compiler + OpenBLAS)',
        found: why,
        hint: 'apt-get install -y libopenblas-dev build-essential, then `npm run build:native`; or use `--backend wasm`',
      }),
  },
  {
    name: 'wasm',
    async attempt(o) {
      try {
        const { details } = await activateWasm();
        let what = `wasm (XNNPACK, ${details.simd ? 'SIMD' : 'no SIMD'}, ${details.threads} thread${details.threads === 1 ? '' : 's'})`;
        if (o.threads != null && o.threads !== details.threads) what += ` [${o.threads} threads requested; tfjs' wasm build runs single-threaded in Node]`;
        return { what };
      } catch (e) {
        return { why: `wasm failed to initialise (${String((e as Error).message ?? e)})` };
      }
    },
    unavailable: (why) => fail('ENGINE_BACKEND_UNAVAILABLE', 'backend `wasm` was requested but failed to initialise', { found: why, hint: 'reinstall @tensorflow/tfjs-backend-wasm, or use `--backend cpu`' }),
  },
  {
    name: 'cpu',
    async attempt() {
      await activateCpu();
      return { what: 'cpu (pure JavaScript, slow)' };
    },
    unavailable: (why) => fail('ENGINE_BACKEND_UNAVAILABLE', 'backend `cpu` failed to initialise', { found: why }),
  },
];

/** `requested` by name, or the first of tensorflow → native → wasm → cpu that activates (`auto`). */
async function select(requested: BackendName, options: EngineOptions): Promise<EngineInfo> {
  const tried: string[] = [];
  for (const a of ACTIVATORS) {
    if (requested !== 'auto' && requested !== a.name) continue;
    const r = await a.attempt(options);
    if ('what' in r) {
      const reason = requested !== 'auto' ? 'requested' : r.via ? `auto: ${r.via} is installed` : `auto: ${tried.length ? tried.join('; ') : 'preferred'}`;
      return { backend: a.name, detail: r.what, reason, message: `engine: ${r.what} — ${reason}` };
    }
    if (requested !== 'auto') a.unavailable(r.why);
    tried.push(r.why);
  }
  throw new Error('internal: the cpu backend always activates');
}

/**
 * Initialise TensorFlow.js with the requested backend and return which one is active and why.
 * Idempotent and cheap on repeat calls; calling it with another backend switches.
 *
 * @example
 * const info = await initEngine('auto');
 * io.err(info.message + '\n');
 */
export async function initEngine(requested: BackendName = 'auto', options: EngineOptions = {}): Promise<EngineInfo> {
  if (!BACKENDS.includes(requested)) {
    fail('ENGINE_UNKNOWN_BACKEND', `unknown backend \`${String(requested)}\``, {
      expected: BACKENDS.join(', '),
      found: String(requested),
    });
  }
  prepared ??= prepare();
  await prepared;
  const known = chosen.get(requested);
  if (known !== undefined && options.importOptional === undefined && options.threads == null) {
    if (tf.getBackend() !== known.backend) await tf.setBackend(known.backend);
    return known;
  }
  const info = await select(requested, options);
  if (options.importOptional === undefined && options.threads == null) chosen.set(requested, info);
  return info;
}
