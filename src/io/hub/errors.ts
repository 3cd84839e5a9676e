/**
 * @huggingface/hub and fetch failures → diagnostics with the URL, status and what to do.
 */
import { HubApiError } from '@huggingface/hub';
import { fail, isTuneError } from '../../diagnostics/index.js';
import type { RepoRef } from './repo-ref.js';

/** Rethrow any hub error as a TuneError (IO_HUB_AUTH, IO_HUB_NOT_FOUND or IO_HUB_HTTP). */
export function hubFailure(e: unknown, ref: RepoRef, what: string): never {
  if (isTuneError(e)) throw e;
  const id = `${ref.type === 'dataset' ? 'datasets/' : ''}${ref.name}@${ref.revision}`;
  if (e instanceof HubApiError) {
    const status = e.statusCode;
    if (status === 401 || status === 403) {
      fail('IO_HUB_AUTH', `the hub refused access to ${id} (${what}): HTTP ${status}`, {
        file: e.url, found: `HTTP ${status}: ${e.message.split('. URL:')[0]}`,
        hint: 'set HF_TOKEN to a token with read access (https://huggingface.co/settings/tokens); for a gated model accept its license on the model page. The hub also answers 401 for repos that do not exist.',
      });
    }
    if (status === 404) {
      fail('IO_HUB_NOT_FOUND', `the hub has no ${what} for ${id}`, {
        file: e.url, found: 'HTTP 404', hint: 'check the repo name, the revision after `@`, and the file name',
      });
    }
    fail('IO_HUB_HTTP', `hub request for ${id} (${what}) failed: HTTP ${status}`, {
      file: e.url, found: `HTTP ${status}: ${e.message}`, hint: 'retry later; set HF_HUB_OFFLINE=1 to use cached files only',
    });
  }
  if (e instanceof TypeError && /token must start with 'hf_'/.test(e.message)) {
    fail('IO_HUB_AUTH', 'HF_TOKEN is not a Hugging Face token', { expected: 'a token starting with hf_', found: 'another value', hint: 'copy the token from https://huggingface.co/settings/tokens' });
  }
  const cause = (e as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  fail('IO_HUB_HTTP', `cannot reach the hub for ${id} (${what}): ${cause?.code ?? (e as Error)?.message ?? String(e)}`, {
    found: cause?.message ?? (e as Error)?.message ?? String(e),
    hint: 'check the network and HF_ENDPOINT; with the files already cached, set HF_HUB_OFFLINE=1 to work offline',
  });
}
