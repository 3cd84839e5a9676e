/** The exact-match plugin's options (validated by the schema in index.ts). */
export interface ExactMatchOptions {
  data: string;
  limit?: number;
}
