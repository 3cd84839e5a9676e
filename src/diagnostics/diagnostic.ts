/**
 * A diagnostic is the one shape every user-facing problem takes: a code from the catalogue, a
 * position where one exists, what was expected, what was found, and a hint. Only the CLI formats
 * diagnostics and chooses exit codes.
 *
 * @example
 * throw new TuneError(diag('RECIPE_UNKNOWN_KEY', 'unknown key `lr`', { file, line: 3, col: 3, hint: 'did you mean `learning_rate`?' }));
 */
import { type CodeCatalog, type CoreCode, registerCodes } from './codes/index.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  /** Stable identifier from the catalogue, e.g. `RECIPE_UNKNOWN_KEY`. */
  code: string;
  severity: Severity;
  message: string;
  /** File the problem is in, as the user named it (relative paths stay relative). */
  file?: string;
  /** 1-based line and column of the start of the offending span. */
  line?: number;
  col?: number;
  endLine?: number;
  endCol?: number;
  /** JSON-pointer-like path inside the document, e.g. `/method/lora/r`. */
  path?: string;
  expected?: string;
  found?: string;
  hint?: string;
  url?: string;
  /** Source text of the file, kept so a formatter can print a code frame. Not serialized. */
  source?: string;
}

export type DiagnosticInit = Partial<Omit<Diagnostic, 'code' | 'message'>>;

/** Build a diagnostic (severity `error` unless given). Only catalogued codes compile. */
export function diag(code: CoreCode, message: string, init: DiagnosticInit = {}): Diagnostic {
  return makeDiag(code, message, init);
}

function makeDiag(code: string, message: string, init: DiagnosticInit): Diagnostic {
  const d: Diagnostic = { code, severity: init.severity ?? 'error', message };
  for (const [k, v] of Object.entries(init)) {
    if (v !== undefined) (d as unknown as Record<string, unknown>)[k] = v;
  }
  return d;
}

/**
 * The error type for every user mistake or bad input. It carries one or more diagnostics; the CLI
 * prints them without a stack trace.
 */
export class TuneError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic | Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map((d) => `${d.code}: ${d.message}`).join('\n'));
    this.name = 'TuneError';
    this.diagnostics = list;
  }
  get code(): string {
    return this.diagnostics[0]?.code ?? 'UNKNOWN';
  }
}

/** Shorthand: throw a TuneError with one diagnostic. */
export function fail(code: CoreCode, message: string, init: DiagnosticInit = {}): never {
  throw new TuneError(diag(code, message, init));
}

/** A plugin's catalogue with `diag` and `error` that accept its codes and the core's. */
export interface Codes<K extends string> {
  readonly catalog: Readonly<Record<K, { summary: string }>>;
  diag(code: K | CoreCode, message: string, init?: DiagnosticInit): Diagnostic;
  /** The TuneError to throw: `throw codes.error('X', …)`. */
  error(code: K | CoreCode, message: string, init?: DiagnosticInit): TuneError;
}

/**
 * Declare a plugin's diagnostic codes. Pass `catalog` as the plugin's `codes` (the loader registers
 * them, so `isKnownCode` and the CLI know them); use the returned `diag` / `fail`, which are typed
 * against these codes and the core's.
 *
 * @example
 * const codes = defineCodes({ BITFIT_NO_BIAS: { summary: 'the model has no bias to train' } });
 * throw codes.error('BITFIT_NO_BIAS', 'this llama model has no biases');
 */
export function defineCodes<const C extends CodeCatalog>(catalog: C): Codes<keyof C & string> {
  return {
    catalog,
    diag: (code, message, init = {}) => makeDiag(code, message, init),
    error: (code, message, init = {}) => new TuneError(makeDiag(code, message, init)),
  };
}

/** Register a plugin's catalogue (what the plugin loader calls). */
export function registerPluginCodes(plugin: string, catalog: CodeCatalog): void {
  registerCodes(plugin, catalog);
}

/**
 * Duck-typed as well as `instanceof`: under a TypeScript loader the same module can be evaluated
 * twice (once as CommonJS, once as ESM), giving two TuneError classes.
 */
export function isTuneError(e: unknown): e is TuneError {
  return e instanceof TuneError || (e instanceof Error && e.name === 'TuneError' && Array.isArray((e as { diagnostics?: unknown }).diagnostics));
}
