// What a rule is: data (id, severity, text, a matcher) plus its own leaking and
// safe examples, checked by test/audit/rules.test.ts (the gitleaks model).
// Matchers are declarative where they can be (option-path patterns, sink kinds,
// keyword + regex); a rule adds a small pure `accept` only where the shape of
// the value matters. The engine (nix-scan.ts, text-scan.ts, file-scan.ts) owns
// the traversal and calls matchers in rule order; the first rule to claim a
// secret wins (see rules/index.ts for the order).
import type { HintVars } from "./hit.js";
import type { SpecialEntry } from "./store-specials.js";
import type { Severity } from "./types.js";

/**
 * A file to run an example through; a bare string is `example.nix`. `with`
 * adds other files to the same run (for repository-level rules); `tracked`
 * says the file is tracked by git; `maxBytes` lowers the size cap (for the
 * rule about files too large to read). Store rules take the facts of a managed
 * store instead (`store`), closure rules the secrets and files searched.
 */
export type Example =
  | string
  | { path: string; text: string; with?: Record<string, string>; tracked?: boolean; maxBytes?: number }
  | { store: Partial<StoreFacts> }
  | { closure: ClosureExample };

/**
 * Where a string ends up. Each kind is a place the text is rendered into a
 * world-readable file: the store, a unit file, or a process command line.
 */
export type SinkKind =
  | "etc-text" // environment.etc.<n>.text, home.file.<n>.text, xdg.*File.<n>.text
  | "config-text" // extraConfig-style options rendered into a config file
  | "writer" // pkgs.writeText, writeShellScript, writers.*, builtins.toFile
  | "build" // runCommand*, a derivation's buildCommand / buildPhase / installPhase: run while building, the output is a store path
  | "activation" // system.activationScripts.*, home.activation.*
  | "unit-script" // systemd.services.<n>.script, preStart, postStart, …
  | "unit-exec" // serviceConfig.ExecStart*, …: also /proc/<pid>/cmdline
  | "flags" // extraFlags / extraArgs / …: rendered into a command line
  | "environment"; // systemd environment, Environment=, environment.variables, container env

/** Content detectors the engine runs over a sink's folded text. */
export type DetectorKind =
  | "assignment" // NAME=value / name: value with a secret-ish NAME
  | "cmdline" // --password=value, sshpass -p value, mysql -pvalue, curl -H 'Authorization: Bearer …' 
  | "stdin" // a literal piped into a program that reads a secret from stdin (echo root:pw | chpasswd, … | cryptsetup --key-file=-)
  | "whole" // the whole text, when the sink's name says it is a secret (etc "app/password")
  | "eval" // a secret's value read at evaluation (secret-ref.ts) anywhere in the text
  | "keygen"; // a private key generated while building (ssh-keygen in runCommand): the output is in the store

/** A sub-range of a folded value the rule points at (defaults to the whole value). */
export interface Range {
  start: number;
  end: number;
}

/** What an option rule's `accept` may say besides yes or no: the range, and how sure it is. */
export interface Verdict {
  range?: Range;
  /** Overrides the rule's severity for this value (low: it reads like a name, not a secret). */
  severity?: Severity;
}

/** The value bound to an option, as the engine could fold it. */
export interface OptionValue {
  /** Full attribute path, `*` for dynamic names. */
  path: readonly string[];
  /** Folded string (interpolations of unknown values appear as `${name}`). */
  text: string;
  /** True when every character comes from a literal in this file. */
  literal: boolean;
  /** The sink this option renders into (a script, /etc text, …), if any. */
  sink: SinkKind | null;
  /** The value is an item of a list (`id_token = [ "email" "name" ]`). */
  inList?: boolean;
  /** The attribute names written in the file (for name-to-name maps); computed on first call. */
  names?(): ReadonlySet<string>;
}

export interface OptionMatcher {
  on: "option";
  /**
   * Attribute-path suffixes: `users.users.*.password`. `*` matches one segment;
   * `**` any number (also none); a segment written `/re/` is a case-sensitive regex.
   */
  paths: readonly string[];
  /** `string`: a literal string value; `path`: a path literal or `"${./x}"`. */
  value: "string" | "path";
  /** A cheap test on the path alone, run before the value is folded (cheap work first). */
  pre?(path: readonly string[]): boolean;
  /**
   * A cheaper test on the last segment alone, memoised per name by the engine
   * (bindings repeat a few thousand names). With both tests, a path is a
   * candidate when either holds; with one, when it holds.
   */
  preName?(last: string): boolean;
  /** Extra test; true, false, the range of `text` that is the secret, or a Verdict. */
  accept?(v: OptionValue): boolean | Range | Verdict;
}

export interface SinkMatcher {
  on: "sink";
  sinks: readonly SinkKind[];
  detectors: readonly DetectorKind[];
}

export interface TextMatcher {
  on: "text";
  /** Case-insensitive substrings; the regex runs only when one is present. */
  keywords: readonly string[];
  /** Must be global (`g`); `secretGroup` selects the secret (default: whole match). */
  pattern: RegExp;
  secretGroup?: number;
  /** Matches of the secret that are known to be harmless. */
  allow?: readonly RegExp[];
  /** Severity for this match, if it differs from the rule's. */
  severityOf?(match: string): Severity;
}

/** What a call's argument is, for `readFile`-style rules. */
export interface CallArg {
  /** `path` literal, `ref` (config.x.y), `string` (folded), or `other`. */
  kind: "path" | "ref" | "string" | "other";
  /** A rendering safe to show: `./secrets/x`, `config.age.secrets.x.path`, `${inputs.s}/wifi`. */
  text: string;
  /** The function called (`readFile`, `import`). */
  fn: string;
}

export interface CallMatcher {
  on: "call";
  /** Function names: the last one or two segments (`readFile`, `lib.fileContents`). */
  functions: readonly string[];
  accept(arg: CallArg): boolean;
  /** Severity for this call, if it differs from the rule's (a hash read at evaluation is medium). */
  severityOf?(arg: CallArg): Severity | undefined;
}

/** A file as file-level rules see it. */
export interface FileFacts {
  path: string;
  bytes: Uint8Array;
  /** The text, when the file is not binary. */
  text: string | null;
  inSecretsDir: boolean;
  hasFlake: boolean;
  /** Tracked by git (staged files count as tracked); null when not known (no git, or a library caller that did not say). */
  tracked: boolean | null;
}

export interface FileHit {
  /** Offsets into `text` (or 0,0 for the whole file). */
  start: number;
  end: number;
  detail: string;
  /** The range that is secret, to redact; defaults to start..end. */
  secret?: Range;
}

export interface FileMatcher {
  on: "file";
  /** Cheap test on the path first. */
  applies(path: string, inSecretsDir: boolean): boolean;
  /**
   * Runs only on text files known to be tracked by git, in addition to the
   * usual scan (it does not replace the token scan of the file).
   */
  trackedOnly?: boolean;
  check(file: FileFacts): FileHit[];
}

/**
 * What the managed-store checks see when a nixsec.yaml is at the scanned root
 * (store-facts.ts gathers it from the working tree or the index). Paths are
 * relative to the scanned root, `/`-separated; directories end in `/`.
 */
export interface StoreFacts {
  manifest: string;
  secretsDir: string;
  generatedDir: string;
  /** The manifest's secrets, with the line of their key in the manifest and the file that should hold them. */
  secrets: readonly { name: string; line: number; file: string }[];
  /** Every file under secretsDir, with the envelope its bytes have (null: plaintext). */
  files: readonly { path: string; envelope: string | null }[];
  /** The files `nixsec gen` writes, compared with what is committed. */
  generated: readonly { path: string; state: "current" | "stale" | "missing" }[];
  /** The admin identity recorded for this repository by `nixsec init` (absolute path, shown as is). */
  identity: { path: string; mode: number; inRepo: string | null } | null;
  /** Links and special files: the manifest, and anything under secretsDir or generatedDir (store-specials.ts). */
  specials: readonly SpecialEntry[];
}

export interface StoreHit {
  /** Relative to the scanned root (or absolute, for a file outside it). */
  file: string;
  /** 1-based; 1 for a whole file. */
  line: number;
  detail: string;
  /** Stable anchor for the fingerprint (a secret name or a path). */
  anchor: string;
  vars?: HintVars;
}

export interface StoreMatcher {
  on: "store";
  check(store: StoreFacts): StoreHit[];
}

/** An example for a closure rule: secret values (by name) and the files searched. */
export interface ClosureExample {
  secrets: Record<string, string>;
  files: Record<string, string>;
}

/** The closure check (closure.ts) owns its search; the rule is its text and examples. */
export interface ClosureMatcher {
  on: "closure";
}

/**
 * A path literal that is copied into the store outside any *File option: one
 * interpolated into a string (`"ssh -i ${./deploy_key}"`), or the `source` of
 * an /etc or home-manager file. `text` is the path as written, with what
 * follows the interpolation (`${./secrets}/db.age` gives `./secrets/db.age`).
 */
export interface PathMatcher {
  on: "path";
  accept(text: string): boolean;
}

export type Matcher = OptionMatcher | SinkMatcher | TextMatcher | CallMatcher | FileMatcher | PathMatcher | StoreMatcher | ClosureMatcher;

export interface Rule {
  /** kebab-case, stable: baselines and `nixsec:allow` comments name it. */
  id: string;
  severity: Severity;
  /** One line: what was found. */
  title: string;
  /** Why it leaks and where (research/audit.md §3). */
  description: string;
  /**
   * What to do, naming the nixsec commands. Placeholders filled per finding:
   * {option} the attribute path, {fileOption} its *File twin, {secret} a
   * suggested secret name, {user}, {unit}.
   */
  hint: string;
  /** Rows of the catalogue in research/audit.md §3. */
  catalogue: readonly number[];
  matcher: Matcher;
  examples: { leaks: readonly Example[]; safe: readonly Example[] };
}
