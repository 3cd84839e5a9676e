/**
 * Run numeric tests on every engine backend this machine has: each suite runs once on wasm, once on
 * cpu and, when the native addon is built, once on native, in the same mocha process (initEngine
 * switches; it is cheap once a backend is initialised).
 *
 * @example
 * describeOnBackends('rms norm', (backend) => {
 *   it('matches the golden output', () => { ... });
 * });
 */
import { initEngine, memoryStats, type ActiveBackend } from '../../src/engine/index.js';
import { NATIVE_BUILT, NATIVE_REQUIRED } from './native.js';

/** The backends every numeric test runs on (native too where it is required: a missing addon then fails). */
export const TEST_BACKENDS: readonly ActiveBackend[] = ['wasm', 'cpu', ...(NATIVE_BUILT || NATIVE_REQUIRED ? (['native'] as const) : [])];

async function activate(backend: ActiveBackend): Promise<void> {
  const info = await initEngine(backend);
  if (info.backend !== backend) throw new Error(`wanted backend ${backend}, got ${info.backend}`);
}

/**
 * `describe(title [backend], …)` once per backend, with that backend active in every test of the
 * suite (re-selected before each test, so suites that switch backends cannot leak into it).
 */
export function describeOnBackends(title: string, body: (backend: ActiveBackend) => void): void {
  for (const backend of TEST_BACKENDS) {
    describe(`${title} [${backend}]`, function () {
      before(async function () {
        this.timeout(60_000);
        await activate(backend);
      });
      beforeEach(() => activate(backend));
      body(backend);
    });
  }
}

/** Call `fn` once per backend with that backend active (inside a test, or in a benchmark script). */
export async function forEachBackend(fn: (backend: ActiveBackend) => void | Promise<void>): Promise<void> {
  for (const backend of TEST_BACKENDS) {
    await activate(backend);
    await fn(backend);
  }
}

/** tf.memory() plus the wasm heap (size, bytes allocated for tensors, guard limit), for benchmarks. */
export { memoryStats };
