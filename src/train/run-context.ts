import type { CausalLM } from '../models/causal-lm.js';
import type { ResolvedRecipe } from '../recipe/index.js';
import type { SeedStream } from './seeds.js';

/** What method, export and logger plugins see of a run. */
export interface RunContext {
  recipe: ResolvedRecipe;
  /** Local folder of the base model (downloaded for Hub models); null for random init without base. */
  modelDir: string | null;
  /** Local folder holding the tokenizer files. */
  tokenizerDir: string | null;
  /** config.json of the model being trained, in HF layout (what an export writes). */
  modelConfig: Record<string, unknown>;
  outputDir: string;
  seeds: SeedStream;
  /** True while training (dropout active), false for eval, export and generation. */
  readonly training: { on: boolean };
  /** Print one line to the run log. */
  log(message: string): void;
  /** The model being trained, once built (checkpoint hooks read it). */
  model?: CausalLM;
}

/** What an export hook receives: the trained model and where its kinds go. */
export interface ExportContext extends RunContext {
  model: CausalLM;
  /** Folders per requested export kind (`adapter`, `merged`, `full`). */
  targets: Partial<Record<'adapter' | 'merged' | 'full', string>>;
  /** Written by the hooks: kind → folder actually written. */
  written: Map<string, string>;
}
