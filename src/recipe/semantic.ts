import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type CoreCode, diag, type Diagnostic, type DiagnosticInit } from '../diagnostics/index.js';
import { archFacts, contextLength, type ArchFacts } from './arch-facts.js';
import type { Locator, RecipeCheckContext } from './contributions.js';
import { getAt } from './origins.js';
import { isHubId } from './paths.js';
import type { ResolvedRecipe } from './resolved.js';

export type { Locator };

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readJson(p: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(p, 'utf8')) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function globHasMatch(pattern: string): boolean {
  // Loaded on demand: only recipes that name globs pay for fast-glob.
  const fg = createRequire(import.meta.url)('fast-glob') as { sync(p: string, o: object): string[] };
  return fg.sync(pattern.replace(/\\/g, '/'), { onlyFiles: true }).length > 0;
}

/** The core's semantic findings, and what it learned of the model for the plugins' checks. */
export interface CoreCheck {
  diagnostics: Diagnostic[];
  context: Pick<RecipeCheckContext, 'modelConfig' | 'arch'>;
}

/**
 * Checks JSON Schema cannot express, on the keys the core owns: referenced local files exist,
 * warmup is shorter than training, the batch is positive, evaluation has data, and — for a local
 * base model (or a random init from a known config) — `sequence_len` fits its context. Plugins check
 * their own keys (LoRA targets, freeze patterns) with the architecture facts found here.
 */
export function semanticCheck(r: ResolvedRecipe, at: Locator, raw: unknown = {}): CoreCheck {
  const out: Diagnostic[] = [];
  const add = (code: CoreCode, message: string, pointer: string, prefer: 'key' | 'value', init: DiagnosticInit = {}): void => {
    const loc = at(pointer, prefer);
    out.push(diag(code, loc.note ? `${message} (${loc.note})` : message, { ...loc.init, ...init }));
  };
  // Name paths as the recipe wrote them; the resolved absolute path goes in `found`.
  const missing = (pointer: string, what: string, p: string, hint?: string): void => {
    const written = getAt(raw, pointer);
    const shown = typeof written === 'string' ? written : p;
    add('RECIPE_PATH_NOT_FOUND', `${what} \`${shown}\` does not exist`, pointer, 'value', {
      found: `nothing at ${p}`,
      hint: hint ?? 'relative paths are relative to the recipe file that names them',
    });
  };

  // The model and its architecture facts.
  let config: Record<string, unknown> | undefined;
  if (r.model.base_kind === 'local' && r.model.base) {
    if (!existsSync(r.model.base)) {
      missing('/model/base', 'model folder', r.model.base, 'point `model.base` at a folder with config.json, or use a hub id such as `HuggingFaceTB/SmolLM2-135M`');
    } else if (!isDir(r.model.base)) {
      add('RECIPE_MODEL_FOLDER', `\`model.base\` must be a folder, found a file: \`${r.model.base}\``, '/model/base', 'value');
    } else {
      config = readJson(join(r.model.base, 'config.json'));
      if (!config) add('RECIPE_MODEL_FOLDER', `model folder \`${r.model.base}\` has no readable config.json`, '/model/base', 'value', { hint: 'a Hugging Face model folder holds config.json, model.safetensors and tokenizer.json' });
    }
  } else if (r.model.base_kind === 'hub' && r.model.base && !isHubId(r.model.base)) {
    add('RECIPE_MODEL_FOLDER', `\`${r.model.base}\` is neither a local folder nor a hub id`, '/model/base', 'value');
  }
  if (r.model.base === null) config = {};
  const merged = config ? { ...config, ...r.model.config } : undefined;
  const facts: ArchFacts | undefined = merged ? archFacts(merged['model_type']) : undefined;

  if (r.tokenizer.path === null) {
    add('RECIPE_MISSING_KEY', '`tokenizer.path` is required when the model has no `base` folder to take the tokenizer from', '/model/init', 'key', {
      hint: 'add `tokenizer: {path: openai-community/gpt2}` (a folder or hub id holding tokenizer.json)',
    });
  }
  if (r.tokenizer.path_kind === 'local' && r.tokenizer.path && r.tokenizer.path !== r.model.base && !existsSync(r.tokenizer.path)) {
    missing('/tokenizer/path', 'tokenizer folder', r.tokenizer.path);
  }
  if (r.tokenizer.chat_template?.kind === 'file' && !existsSync(r.tokenizer.chat_template.path)) {
    missing('/tokenizer/chat_template', 'chat template file', r.tokenizer.chat_template.path, 'give a path to a .jinja file, or the template itself inline');
  }

  // Datasets.
  r.data.datasets.forEach((ds, i) => {
    const ptr = `/data/datasets/${i}`;
    if (ds.path_kind === 'local') {
      const glob = /[*?[\]{}]/.test(ds.path);
      if (glob ? !globHasMatch(ds.path) : !existsSync(ds.path)) missing(`${ptr}/path`, glob ? 'no file matches dataset glob' : 'dataset', ds.path);
    }
  });

  if (facts && merged) {
    const ctx = contextLength(facts, merged);
    if (ctx !== null && r.data.sequence_len > ctx) {
      add('RECIPE_SEQUENCE_TOO_LONG', `\`data.sequence_len\` ${r.data.sequence_len} exceeds the model's context length ${ctx}`, '/data/sequence_len', 'value', {
        expected: `<= ${ctx} (${facts.contextKeys[0] ?? 'context'} of this ${facts.modelType} model)`,
        hint: `lower \`data.sequence_len\` to ${ctx} or less`,
      });
    }
  }

  // Schedule and batch.
  const t = r.training;
  if (t.max_steps !== null && r.schedule.warmup_steps >= t.max_steps) {
    add('RECIPE_WARMUP_TOO_LONG', `warmup (${r.schedule.warmup_steps} steps) is not shorter than training (${t.max_steps} steps)`, '/schedule/warmup_steps', 'value', {
      hint: 'lower `schedule.warmup_steps` or raise `training.max_steps`',
    });
  }
  if (!Number.isSafeInteger(t.effective_batch_size) || t.effective_batch_size < 1) {
    add('RECIPE_BATCH', `the effective batch (micro_batch_size × gradient_accumulation_steps = ${t.effective_batch_size}) must be a positive integer`, '/training/micro_batch_size', 'value');
  }
  if (r.schedule.name === 'constant' && (r.schedule.warmup_steps > 0 || r.schedule.warmup_ratio > 0)) {
    add('RECIPE_WARMUP_IGNORED', 'the `constant` schedule has no warmup; the warmup setting is ignored', r.schedule.warmup_steps > 0 ? '/schedule/warmup_steps' : '/schedule/warmup_ratio', 'key', {
      severity: 'warning',
      hint: 'use `name: constant_with_warmup`',
    });
  }

  // Evaluation.
  if (r.eval.steps !== null && r.data.val_set_size === 0) {
    add('RECIPE_EVAL_NEEDS_VAL', '`eval.steps` is set but there is no validation split', '/eval/steps', 'key', { hint: 'set `data.val_set_size`, e.g. `0.05`' });
  }
  if (r.eval.early_stopping.patience !== null && r.eval.steps === null) {
    add('RECIPE_EARLY_STOPPING_NEEDS_EVAL', 'early stopping needs evaluation during training', '/eval/early_stopping/patience', 'key', { hint: 'set `eval.steps`' });
  }

  // Plugins given as paths.
  r.plugins.forEach((p, i) => {
    if (p.path && !existsSync(p.path)) missing(typeof getAt(raw, `/plugins/${i}`) === 'string' ? `/plugins/${i}` : `/plugins/${i}/use`, 'plugin module', p.path);
  });
  return { diagnostics: out, context: { ...(merged ? { modelConfig: merged } : {}), ...(facts ? { arch: facts } : {}) } };
}
