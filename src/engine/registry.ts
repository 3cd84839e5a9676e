/**
 * The backend registry. A backend is registered by a plugin (`backends:` of its definition) with a
 * TensorFlow-free `probe` — `tune plan` and `tune env` ask it whether the backend can run here and
 * why — the Runner that executes plans on it, and what it copies beside the model's tensors (for the
 * memory estimate). In-process backends (the TensorFlow.js engines) also `activate` in this process.
 */
import { fail } from '../diagnostics/index.js';
import type { BackendKeys } from '../recipe/contributions.js';

/** What a backend copies or keeps beside the tensors the model and optimizer own (see plan/memory.ts). */
export interface EngineCopies {
  /**
   * Activation bytes against the estimate's model, which counts what fused norm, softmax and
   * activation kernels keep (1: the native engine). Engines composing those op by op keep every
   * intermediate: about 3× on wasm and 2.5× on cpu (measured on the shipped recipes,
   * tests/exec/plan-vs-run.test.ts).
   */
  activationScale: number;
  /** Frozen `[out, in]` weights are multiplied through a cached transposed copy (wasm). */
  transposedWeights: boolean;
  /** Weight matrices are packed once more for the matmul library (wasm's XNNPACK). */
  packedWeights: boolean;
  /** Bytes kept free for the library's scratch (the wasm heap guard's reserve). */
  reserveBytes: number;
}

/** Whether a backend can run on this machine, and why (or why not). */
export interface BackendProbe {
  available: boolean;
  reason: string;
}

/** What activating an in-process backend did. */
export interface EngineInfo {
  backend: string;
  /** Why this backend (what was tried before it, and why that failed). */
  reason: string;
  /** One line for the CLI / run log, e.g. `engine: wasm (XNNPACK, SIMD, 1 thread) — auto: …`. */
  message: string;
}

/** A registered backend. */
export interface BackendSpec extends BackendKeys {
  /** The Runner that executes plans on this backend (`in-process`: the TensorFlow.js trainer). */
  runner: string;
  /** Can it run here? TensorFlow-free: looks for files and packages, loads nothing. */
  probe(env: NodeJS.ProcessEnv): BackendProbe;
  /** The backend's own copies (memory estimate). */
  copies: EngineCopies;
  /** Tensors live in a heap of this many bytes at most (wasm32), else null. */
  heapLimitBytes: number | null;
  /** Select the backend in this process (loads its heavy code). In-process backends only. */
  activate?(opts: { threads: number | null }): Promise<EngineInfo>;
}

/** The backend a run (or a plan) uses, and why. */
export interface EngineChoice {
  requested: string;
  backend: string;
  reason: string;
  runner: string;
  copies: EngineCopies;
  heapLimitBytes: number | null;
}

/** The backends a run may use, by name. */
export class BackendRegistry {
  readonly #specs = new Map<string, BackendSpec>();

  constructor(specs: readonly BackendSpec[] = []) {
    for (const s of specs) this.register(s);
  }

  /** Add a backend; a name can be registered once. */
  register(spec: BackendSpec): void {
    if (spec.name === 'auto' || this.#specs.has(spec.name)) throw new Error(`backend \`${spec.name}\` is already registered`);
    this.#specs.set(spec.name, spec);
  }

  get(name: string): BackendSpec | undefined {
    return this.#specs.get(name);
  }

  /** Every backend, in the `auto` order (backends `auto` never picks last). */
  list(): BackendSpec[] {
    return [...this.#specs.values()].sort((a, b) => (a.autoOrder ?? Infinity) - (b.autoOrder ?? Infinity) || a.name.localeCompare(b.name));
  }

  /** `auto` first, then every registered name (for usage texts). */
  names(): string[] {
    return ['auto', ...this.list().map((b) => b.name)];
  }

  /**
   * The backend `requested` resolves to here, by probe (TensorFlow-free). `auto` takes the first
   * available backend in the auto order; a named backend is taken as asked (activating it tells
   * whether it works).
   *
   * @example
   * registry.choose('auto', process.env) // { backend: 'native', reason: 'auto → native (…)', … }
   */
  choose(requested: string, env: NodeJS.ProcessEnv = process.env, skip: ReadonlySet<string> = new Set()): EngineChoice {
    const pick = (spec: BackendSpec, reason: string): EngineChoice => ({ requested, backend: spec.name, reason, runner: spec.runner, copies: spec.copies, heapLimitBytes: spec.heapLimitBytes });
    if (requested !== 'auto') {
      const spec = this.#specs.get(requested);
      if (!spec) {
        fail('ENGINE_UNKNOWN_BACKEND', `unknown backend \`${requested}\``, { expected: this.names().join(', '), found: requested, hint: 'backends beyond these come from plugins listed under `plugins`' });
      }
      return pick(spec, `${requested} (requested)`);
    }
    const tried: string[] = [];
    for (const spec of this.list()) {
      if (spec.autoOrder === null || skip.has(spec.name)) continue;
      const p = spec.probe(env);
      if (p.available) return pick(spec, `auto → ${spec.name} (${[...tried, p.reason].join('; ')})`);
      tried.push(p.reason);
    }
    fail('ENGINE_BACKEND_UNAVAILABLE', 'no backend can run on this machine', { found: tried.join('; ') || 'no backend is registered', hint: 'reinstall tunekit (its wasm and cpu engines ship with it)' });
  }
}
