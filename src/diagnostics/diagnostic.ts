/**
 * A diagnostic is the one shape every user-facing problem takes: a code from the catalogue, a
 * position where one exists, what was expected, what was found, and a hint. Only the CLI formats
 * diagnostics and chooses exit codes.
 *
 * @example
 * throw new TuneError(diag('RECIPE_UNKNOWN_KEY', 'unknown key `lr`', { file, line: 3, col: 3, hint: 'did you mean `learning_rate`?' }));
 */
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

/** Build a diagnostic (severity `error` unless given). */
export function diag(code: string, message: string, init: DiagnosticInit = {}): Diagnostic {
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
export function fail(code: string, message: string, init: DiagnosticInit = {}): never {
  throw new TuneError(diag(code, message, init));
}

/**
 * Duck-typed as well as `instanceof`: under a TypeScript loader the same module can be evaluated
 * twice (once as CommonJS, once as ESM), giving two TuneError classes.
 */
export function isTuneError(e: unknown): e is TuneError {
  return e instanceof TuneError || (e instanceof Error && e.name === 'TuneError' && Array.isArray((e as { diagnostics?: unknown }).diagnostics));
}
