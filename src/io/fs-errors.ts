/**
 * Turning Node file-system errors into diagnostics, shared by every reader in `src/io/`.
 */
import { fail } from '../diagnostics/index.js';

/** Throw IO_FILE_NOT_FOUND or IO_READ_FAILED for a Node fs error on `file`. */
export function failFs(e: unknown, file: string, what = 'file', hint?: string): never {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    fail('IO_FILE_NOT_FOUND', `${what} not found: ${file}`, { file, hint: hint ?? 'check the path (relative paths are resolved from the current directory)' });
  }
  fail('IO_READ_FAILED', `cannot read ${what} ${file}: ${(e as Error | undefined)?.message ?? String(e)}`, {
    file, found: code ?? 'unknown error', hint: code === 'EACCES' ? 'check the file permissions' : 'check that the path is a readable file',
  });
}
