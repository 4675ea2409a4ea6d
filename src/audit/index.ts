// The audit library: what benchmarks, `--staged` and other tools import.
//
//   auditFiles(files, options) → Finding[]      pure; files are { path, content }
//   auditFilesDetailed(files, options)          the same, plus notes and counts
//   detectEnv(paths, options) + detectFile(…)   the per-file detector, for streaming
//   WorktreeSource / StagedSource               where bytes come from
//   readEntries                                 reads a source's entries in order (ahead, on a thread, for a walk)
//   checkManagedStore / checkStore(facts)       managed-store checks; the facts come from
//                                               store-facts.ts (imported on demand: it loads the store)
//   closureNeedles + searchClosure              the closure check (values in, hits out)
//   renderText / renderJson / renderSarif       reporters
export { auditFiles, auditFilesDetailed, detectEnv, selectRules, compareFindings, UnknownRuleError, DEFAULT_MAX_FILE_BYTES } from "./scan.js";
export { detectFile, detectOversize, type DetectEnv, type FileResult } from "./detect.js";
export { checkStore, emptyStoreFacts } from "./store-checks.js";
export { checkManagedStore, MANIFEST, type Managed, type ManagedInput } from "./managed.js";
export { closureNeedles, closureFindings, searchClosure, searchTexts, MIN_DIGITS, MIN_VALUE_BYTES, type ClosureSecret, type Needle, type ClosureHit } from "./closure.js";
export { type Source, type SourceEntry, WorktreeSource, StagedSource, SourceError, findRepoRoot, headOf } from "./source.js";
export { GitHistory } from "./history.js";
export { readEntries, type Got } from "./read-ahead.js";
export { applyBaseline, makeBaseline, parseBaseline, renderBaseline, BaselineError, type Baseline } from "./baseline.js";
export { parseAuditConfig, allowFromFlag, fileAllowed, findingAllowed, emptyConfig, AuditConfigError, AUDIT_CONFIG_FILE, type AuditConfig } from "./config.js";
export { renderText, summarize, type Paint } from "./report/text.js";
export { renderJson } from "./report/json.js";
export { renderSarif } from "./report/sarif.js";
export { RULES, ruleById } from "./rules/index.js";
export type { Rule, Example, StoreFacts } from "./rule.js";
export type { Finding, Note, Severity, AuditInput, AuditOptions, AuditResult } from "./types.js";
