/**
 * The checkpoint folder layout every Runner shares: `<output>/checkpoint-<step>/` holding
 * `trainer_state.json` (step, schedule and data position, RNG state, the recipe fields a resume must
 * keep) beside the runner's own files (the in-process runner: trainable weights, optimizer state,
 * and what method plugins add — a LoRA checkpoint is also a loadable PEFT adapter folder). Written
 * atomically; rotation keeps the newest `save_total_limit`.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fail } from '../diagnostics/index.js';
import { writeDirAtomic } from '../io/atomic.js';

export const CHECKPOINT_FORMAT = 'tunekit-checkpoint/1';
export const TRAINER_STATE_FILE = 'trainer_state.json';

export interface TrainerState {
  format: typeof CHECKPOINT_FORMAT;
  /** Optimizer steps completed. */
  step: number;
  /** Fractional epoch reached. */
  epoch: number;
  /** Where the next batch comes from: epoch index and batch index inside that epoch's order. */
  data: { epoch: number; batch: number };
  /** Base seed and the counter that derives every per-step seed (dropout), so a resume replays exactly. */
  rng: { seed: number; counter: number };
  optimizer: { name: string; step: number };
  /** Hash of the recipe fields that must not change across a resume, and the fields themselves. */
  recipe: { hash: string; fields: Record<string, unknown> };
  /** Early-stopping bookkeeping. */
  best: { loss: number | null; step: number | null; badEvals: number };
  totalSteps: number;
}

export const checkpointDirName = (step: number): string => `checkpoint-${step}`;

/**
 * Write `<outputDir>/checkpoint-<step>` atomically: `writeContents` fills a temporary folder with the
 * runner's files, then trainer_state.json is added and the folder renamed into place. Returns its path.
 */
export async function writeCheckpointFolder(outputDir: string, state: TrainerState, writeContents: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(outputDir, checkpointDirName(state.step));
  await writeDirAtomic(dir, async (tmp) => {
    await writeContents(tmp);
    await writeFile(join(tmp, TRAINER_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
  });
  return dir;
}

/** Checkpoint folders under `outputDir`, oldest first. */
export async function listCheckpoints(outputDir: string): Promise<{ step: number; dir: string }[]> {
  if (!existsSync(outputDir)) return [];
  const out: { step: number; dir: string }[] = [];
  for (const e of await readdir(outputDir, { withFileTypes: true })) {
    const m = /^checkpoint-(\d+)$/.exec(e.name);
    if (e.isDirectory() && m && existsSync(join(outputDir, e.name, TRAINER_STATE_FILE))) out.push({ step: Number(m[1]), dir: join(outputDir, e.name) });
  }
  return out.sort((a, b) => a.step - b.step);
}

/** Delete the oldest checkpoints beyond `limit` (HF `save_total_limit`); returns what was removed. */
export async function rotateCheckpoints(outputDir: string, limit: number | null | undefined): Promise<string[]> {
  if (!limit || limit < 1) return [];
  const all = await listCheckpoints(outputDir);
  const doomed = all.slice(0, Math.max(0, all.length - limit)).map((c) => c.dir);
  for (const d of doomed) await rm(d, { recursive: true, force: true });
  return doomed;
}

/** Resolve `--resume latest|PATH` to a checkpoint folder. */
export async function findResumeCheckpoint(outputDir: string, spec: string, cwd: string): Promise<string> {
  if (spec === 'latest' || spec === '') {
    const last = (await listCheckpoints(outputDir)).pop();
    if (!last) {
      fail('TRAIN_RESUME_NOT_FOUND', `no checkpoint to resume from in ${outputDir}`, {
        file: outputDir,
        hint: 'run without --resume to start fresh, or pass --resume PATH to a checkpoint-<step> folder',
      });
    }
    return last.dir;
  }
  const dir = resolve(cwd, spec);
  if (!existsSync(join(dir, TRAINER_STATE_FILE))) {
    fail('TRAIN_RESUME_NOT_FOUND', `${spec} is not a tunekit checkpoint (no ${TRAINER_STATE_FILE})`, {
      file: dir,
      hint: 'pass a checkpoint-<step> folder written by `tune run`, or `--resume latest`',
    });
  }
  return dir;
}

/** The trainer state of a checkpoint folder (TRAIN_CHECKPOINT_INVALID when unreadable or of another format). */
export async function readTrainerState(dir: string): Promise<TrainerState> {
  const file = join(dir, TRAINER_STATE_FILE);
  let state: TrainerState;
  try {
    state = JSON.parse(await readFile(file, 'utf8')) as TrainerState;
  } catch (e) {
    fail('TRAIN_CHECKPOINT_INVALID', `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, { file, hint: 'the checkpoint is damaged; resume from an earlier one' });
  }
  if (state.format !== CHECKPOINT_FORMAT) {
    fail('TRAIN_CHECKPOINT_INVALID', `${file} has format ${JSON.stringify(state.format)}`, { file, expected: CHECKPOINT_FORMAT, hint: 'this checkpoint was written by another tool or version' });
  }
  return state;
}
