/**
 * Writers that replace a whole folder refuse to replace one that holds something else, so a
 * mistyped output path cannot delete unrelated files.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from '../diagnostics/index.js';

/** Throw IO_WRITE_FAILED unless `dir` is absent, empty, or contains `marker` (e.g. config.json). */
export async function guardReplace(dir: string, marker: string, what: string): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (!st) return;
  if (!st.isDirectory()) {
    fail('IO_WRITE_FAILED', `cannot write ${what} to ${dir}: it is a file`, { file: dir, hint: 'choose a folder path' });
  }
  const entries = await readdir(dir);
  if (entries.length === 0 || entries.includes(marker)) return;
  fail('IO_WRITE_FAILED', `refusing to replace ${dir}: it is not empty and holds no ${marker}`, {
    file: dir, expected: `an empty folder or an existing ${what}`, found: `${entries.length} entries, e.g. ${entries.slice(0, 3).join(', ')}`,
    hint: `the ${what} is written by replacing the whole folder; choose a new sub-folder (e.g. ${join(dir, 'final')})`,
  });
}
