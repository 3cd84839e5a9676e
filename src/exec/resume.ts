/**
 * The resume contract every Runner shares: a run never writes into a folder that already holds a
 * run unless asked to continue it (`--resume`) or to overwrite it; a resumed run must be the same
 * recipe in every field that changes what is trained.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { TuneError, diag, fail } from '../diagnostics/index.js';
import { locateInRecipe } from '../recipe/load.js';
import type { ResolvedRecipe } from '../recipe/resolved.js';
import { type TrainerState, findResumeCheckpoint, readTrainerState } from '../train/checkpoint.js';
import { diffFields } from '../train/recipe-hash.js';

/** Recipe fields that must not change across a resume. */
export function resumeFields(r: ResolvedRecipe): Record<string, unknown> {
  return JSON.parse(JSON.stringify({ model: r.model, tokenizer: r.tokenizer, data: r.data, method: r.method, optimizer: r.optimizer, regularization: r.regularization, schedule: r.schedule, training: r.training })) as Record<string, unknown>;
}

function refuseExistingOutput(recipe: ResolvedRecipe, resuming: boolean): void {
  const dir = recipe.output.dir;
  if (resuming || recipe.output.overwrite || !existsSync(dir)) return;
  const outputs = new Set(['metrics.jsonl', ...Object.values(recipe.output.export_dirs).map((d) => basename(d))]);
  const taken = readdirSync(dir).filter((n) => /^checkpoint-\d+$/.test(n) || outputs.has(n));
  if (taken.length) {
    fail('TRAIN_OUTPUT_EXISTS', `output folder ${dir} already holds a run (${taken.slice(0, 3).join(', ')})`, {
      ...locateInRecipe(recipe, '/output/dir', 'value'),
      hint: 'continue it with `--resume`, set `output.overwrite: true`, or choose another output.dir',
    });
  }
}

/** The checkpoint a run continues from (`--resume latest|PATH`), checked against the recipe; null for a fresh run. */
export async function resumePoint(recipe: ResolvedRecipe, resume: string | undefined, cwd: string): Promise<{ dir: string; state: TrainerState } | null> {
  refuseExistingOutput(recipe, resume !== undefined);
  if (resume === undefined) return null;
  const dir = await findResumeCheckpoint(recipe.output.dir, resume, cwd);
  const state = await readTrainerState(dir);
  const changes = diffFields(state.recipe.fields, resumeFields(recipe));
  if (changes.length) {
    throw new TuneError(
      diag('TRAIN_RESUME_INCOMPATIBLE', `cannot resume ${dir}: the recipe changed since the checkpoint was written`, {
        ...(recipe.source.file ? { file: recipe.source.file } : {}),
        found: changes.slice(0, 8).join('; ') + (changes.length > 8 ? `; … ${changes.length - 8} more` : ''),
        hint: 'restore those settings to resume, or start a new run in another output.dir',
      }),
    );
  }
  return { dir, state };
}
