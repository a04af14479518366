export type Severity = 'error' | 'warning';

/** One static-check result; `file` is relative to the catalog root, `path` points inside the file. */
export interface Finding {
  severity: Severity;
  file: string;
  /** The rule id, or the id of the input, fact or scenario concerned; null for file-level findings. */
  rule: string | null;
  path: string;
  code: string;
  message: string;
}
