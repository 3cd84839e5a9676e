/**
 * `org/name[@revision]` and `datasets/org/name[@revision]` references.
 */
import { fail } from '../../diagnostics/index.js';

/** A parsed hub reference. */
export interface RepoRef {
  type: 'model' | 'dataset';
  /** `org/name` (or a legacy single name such as `gpt2`). */
  name: string;
  /** Branch, tag, commit sha or ref such as `refs/convert/parquet`; default `main`. */
  revision: string;
}

const NAME = /^(?:[A-Za-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]*$/;

/**
 * Parse `org/name[@revision]`; a `datasets/` prefix (or `type: 'dataset'`) makes it a dataset.
 *
 * @example
 * parseRepoRef('HuggingFaceTB/SmolLM2-135M@main'); // { type: 'model', name: 'HuggingFaceTB/SmolLM2-135M', revision: 'main' }
 */
export function parseRepoRef(ref: string, type: 'model' | 'dataset' = 'model'): RepoRef {
  let rest = ref.trim();
  let kind = type;
  if (rest.startsWith('datasets/')) {
    kind = 'dataset';
    rest = rest.slice('datasets/'.length);
  } else if (rest.startsWith('models/')) {
    rest = rest.slice('models/'.length);
  }
  const at = rest.indexOf('@');
  const name = at < 0 ? rest : rest.slice(0, at);
  const revision = at < 0 ? 'main' : rest.slice(at + 1);
  if (!NAME.test(name) || name.includes('..') || revision === '' || /\s/.test(revision) || revision.includes('..')) {
    fail('IO_HUB_BAD_REPO_ID', `\`${ref}\` is not a hub repo reference`, {
      expected: kind === 'dataset' ? 'datasets/org/name or datasets/org/name@revision' : 'org/name or org/name@revision',
      found: ref, hint: 'e.g. HuggingFaceTB/SmolLM2-135M or HuggingFaceTB/SmolLM2-135M@main; a local folder path must exist',
    });
  }
  return { type: kind, name, revision };
}

/** The repo designation @huggingface/hub expects. */
export function repoDesignation(ref: RepoRef): { type: 'model' | 'dataset'; name: string } {
  return { type: ref.type, name: ref.name };
}
