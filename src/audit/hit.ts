// What a scanner hands to detect.ts before it becomes a Finding: a source
// span, the secret texts to keep out of the snippet, and non-secret context.
import type { Rule } from "./rule.js";
import type { Severity } from "./types.js";

/** Values for the `{…}` placeholders of a rule's hint. */
export interface HintVars {
  option?: string;
  fileOption?: string;
  secret?: string;
  user?: string;
  unit?: string;
  /** The rest of a `nixsec wire SECRET` command for this option (hints.ts wireFor). */
  wire?: string;
  /** Whether the leaked value was ever committed (null: not known); fills {rotate}. */
  committed?: boolean | null;
}

export interface Hit {
  rule: Rule;
  /** Source offsets of the secret (or the path literal, or the call). */
  start: number;
  end: number;
  /** Decoded secret texts, hidden wherever they appear on the snippet line. */
  secrets: string[];
  /** Non-secret context for the message: an option path, a sink, a flag name. */
  where: string;
  /** Where the value flows, when that is elsewhere (a source offset). */
  via?: number;
  /** Stable anchor for the baseline fingerprint (attribute path, sink, or ""). */
  anchor: string;
  vars: HintVars;
  /** Overrides the rule's severity (fixtures, run-time reads). */
  severity?: Severity;
  /** Inside a test fixture or an example: severity is capped at low. */
  test?: boolean;
  /** Replaces the rule's hint for this finding (a program's own advice, shell/programs.ts); same placeholders. */
  hint?: string;
}
