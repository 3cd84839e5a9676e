/** What the catalogue says of one diagnostic code. */
export interface CodeInfo {
  /** One-line summary of what went wrong. */
  summary: string;
}

/** Codes by name (a core area's, or a plugin's). */
export type CodeCatalog = Readonly<Record<string, CodeInfo>>;
