import type { Writable } from 'node:stream';
import type { StepMetrics } from './events.js';

/** Shows training progress: an ora spinner line on a TTY, plain log lines otherwise. */
export interface ProgressReporter {
  start(totalSteps: number, startStep: number): void;
  /** Called after every optimizer step (cheap; only updates a line on a TTY). */
  tick(step: number, metrics: Partial<StepMetrics>): void;
  /** Called on logging steps: a TTY keeps the line, a log gets one line. */
  log(metrics: StepMetrics): void;
  message(text: string): void;
  stop(finalText?: string): void;
}

export type ProgressMode = 'auto' | 'bar' | 'plain' | 'none';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}

/** A loss term: 4 decimals, or 3 significant digits when that would show 0.0000. */
const formatTerm = (v: number): string => (v !== 0 && Math.abs(v) < 5e-5 ? v.toPrecision(3) : v.toFixed(4));

/**
 * One status line: `step 12/300 | loss 2.3104 | lr 1.00e-4 | 1234 tok/s | ETA 3m12s`; with loss
 * terms the loss is followed by its parts, `loss 2.3204 (ce 2.3104 + l2sp 0.0100)`.
 */
export function formatStepLine(step: number, total: number, m: Partial<StepMetrics>, etaSeconds: number): string {
  const parts = [`step ${step}/${total}`];
  if (m.epoch !== undefined) parts.push(`epoch ${m.epoch.toFixed(2)}`);
  if (m.loss !== undefined) parts.push(`loss ${m.loss.toFixed(4)}${m.lossTerms ? ` (${Object.entries(m.lossTerms).map(([k, v]) => `${k} ${formatTerm(v)}`).join(' + ')})` : ''}`);
  if (m.learningRate !== undefined) parts.push(`lr ${m.learningRate.toExponential(2)}`);
  if (m.gradNorm !== undefined) parts.push(`grad_norm ${m.gradNorm.toFixed(3)}`);
  if (m.tokensPerSecond !== undefined) parts.push(`${m.tokensPerSecond.toFixed(0)} tok/s`);
  parts.push(`ETA ${formatDuration(etaSeconds)}`);
  return parts.join(' | ');
}

class Eta {
  #t0 = Date.now();
  #s0 = 0;
  #total = 0;
  start(total: number, startStep: number): void {
    this.#t0 = Date.now();
    this.#s0 = startStep;
    this.#total = total;
  }
  seconds(step: number): number {
    const done = step - this.#s0;
    if (done <= 0) return Number.NaN;
    return (((Date.now() - this.#t0) / 1000) * (this.#total - step)) / done;
  }
}

/** Plain lines (CI logs, files, pipes). */
export class PlainProgress implements ProgressReporter {
  #total = 0;
  readonly #eta = new Eta();
  constructor(private readonly out: Writable) {}
  start(totalSteps: number, startStep: number): void {
    this.#total = totalSteps;
    this.#eta.start(totalSteps, startStep);
  }
  tick(): void {}
  log(m: StepMetrics): void {
    this.out.write(`${formatStepLine(m.step, this.#total, m, this.#eta.seconds(m.step))}\n`);
  }
  message(text: string): void {
    this.out.write(`${text}\n`);
  }
  stop(finalText?: string): void {
    if (finalText) this.out.write(`${finalText}\n`);
  }
}

/** An ora spinner whose text is the current step line; logged steps are kept as lines above it. */
export class SpinnerProgress implements ProgressReporter {
  #total = 0;
  readonly #eta = new Eta();
  #last: Partial<StepMetrics> = {};
  #spinner: { text: string; start(): unknown; stop(): unknown; stopAndPersist(o: { symbol: string; text: string }): unknown; succeed(t?: string): unknown } | null = null;
  constructor(private readonly out: Writable) {}
  async init(): Promise<void> {
    const { default: ora } = await import('ora');
    this.#spinner = ora({ stream: this.out as NodeJS.WritableStream, text: 'starting' });
  }
  start(totalSteps: number, startStep: number): void {
    this.#total = totalSteps;
    this.#eta.start(totalSteps, startStep);
    this.#spinner?.start();
  }
  tick(step: number, metrics: Partial<StepMetrics>): void {
    this.#last = { ...this.#last, ...metrics };
    if (this.#spinner) this.#spinner.text = formatStepLine(step, this.#total, this.#last, this.#eta.seconds(step));
  }
  log(m: StepMetrics): void {
    this.#last = m;
    this.#spinner?.stopAndPersist({ symbol: '•', text: formatStepLine(m.step, this.#total, m, this.#eta.seconds(m.step)) });
    this.#spinner?.start();
  }
  message(text: string): void {
    this.#spinner?.stopAndPersist({ symbol: 'ℹ', text });
    this.#spinner?.start();
  }
  stop(finalText?: string): void {
    if (finalText) this.#spinner?.succeed(finalText);
    else this.#spinner?.stop();
  }
}

/** Pick a reporter: `auto` uses the spinner on a TTY (and not under CI), plain lines otherwise. */
export async function createProgress(mode: ProgressMode, out: Writable & { isTTY?: boolean }, env: NodeJS.ProcessEnv): Promise<ProgressReporter> {
  if (mode === 'none') return { start() {}, tick() {}, log() {}, message() {}, stop() {} };
  const tty = mode === 'bar' || (mode === 'auto' && out.isTTY === true && !env['CI']);
  if (!tty) return new PlainProgress(out);
  const s = new SpinnerProgress(out);
  await s.init();
  return s;
}
