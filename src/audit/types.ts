// The data that flows through the audit pipeline:
// Source → AuditInput (a file's bytes) → detectFile (pure) → Finding → reporters.
// A Finding never holds a secret value: the detector redacts the snippet and
// builds the message from option paths and rule text only.

/** high: a usable secret reaches the store or git; medium: weaker (hashes, eval-only); low: fixtures, runtime exposure, parse errors. */
export type Severity = "high" | "medium" | "low";

export const SEVERITY_RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3 };

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** Relative to the scanned root, `/`-separated. */
  file: string;
  /** 1-based; where the secret (or the path literal, or the call) is written. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** What leaks and where it flows; never contains the value. */
  message: string;
  /** What to do, naming the nixsec commands. */
  hint: string;
  /** The source line with the value redacted (at most 200 characters). */
  snippet: string;
  /**
   * Stable across unrelated edits: rule + file + a hash of the attribute path
   * (or of the redacted snippet) + the occurrence index. Never a hash of the value.
   */
  fingerprint: string;
}

/** Something the user should know that is not a finding (a skipped file). */
export interface Note {
  file: string;
  message: string;
}

/** One file to audit. `content` is the raw bytes (or text) of the file. */
export interface AuditInput {
  path: string;
  content: Uint8Array | string;
}

/** Facts about the whole set of files that some file rules need. */
export interface RepoFacts {
  /** A `flake.nix` is among the files (so every tracked file is copied to the store). */
  hasFlake: boolean;
  /** Directory prefixes (relative, `/`-terminated) that hold encrypted secrets. */
  secretsDirs: string[];
  /** Paths tracked by git (for a staged scan: the staged paths); null when not known. */
  tracked: ReadonlySet<string> | null;
}

export interface AuditOptions {
  /** Rule ids to skip. */
  disabledRules?: readonly string[];
  /** Extra secrets directories (relative to the root); `secrets/` anywhere is always one. */
  secretsDirs?: readonly string[];
  /** Files larger than this are not read whole: a finding (unscanned-file), or a note for a binary file that is not .nix; default 64 MiB. */
  maxFileBytes?: number;
  /** Honour `# nixsec:allow RULE` comments (default true). */
  inlineAllow?: boolean;
  /** Paths tracked by git, when known (rules about committed identity files need it). */
  tracked?: Iterable<string>;
}

export interface AuditResult {
  findings: Finding[];
  notes: Note[];
  /** How many findings an inline `nixsec:allow` removed. */
  suppressedInline: number;
  filesScanned: number;
  bytesScanned: number;
}
