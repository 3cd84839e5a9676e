/** A built-in copy of a Hub model's config.json. */
export interface KnownConfig {
  /** Hub repo id as published (`org/name`). */
  id: string;
  /** Other ids the same repo is reached by (legacy names, redirects). */
  aliases?: readonly string[];
  /** Where the values come from, shown by `tune plan`. */
  source: string;
  /** Fields whose value could not be checked against the published file. */
  unverified?: readonly string[];
  config: Readonly<Record<string, unknown>>;
}
