// Fail closed (issue 12, item 5): a file too large to read whole is reported,
// not skipped in silence, unless it is binary and not Nix (nothing Nix reads).
import type { Rule } from "../rule.js";

export const unscannedFile: Rule = {
  id: "unscanned-file",
  severity: "medium",
  title: "file too large to audit",
  description:
    "A text or .nix file larger than the audit reads whole (64 MiB by default). Nix would evaluate whatever it holds, so the audit cannot call it clean: " +
    "the run fails until the file is split or allow-listed. Binary files that are not .nix are noted and skipped.",
  hint: "split the file, or move the secrets in it into the store (nixsec add NAME --host HOST --stdin); if it holds none, allow-list its path in .nixsec-audit.yaml",
  catalogue: [],
  // Raised by the engine itself when a file is over the size cap (detect.ts).
  matcher: { on: "file", applies: () => false, check: () => [] },
  examples: {
    leaks: [{ path: "generated.nix", text: `{ a = "${"x".repeat(2000)}"; }`, maxBytes: 1000 }, { path: "dump.sql", text: "-- " + "y".repeat(2000), maxBytes: 1000 }],
    safe: [{ path: "small.nix", text: `{ a = 1; }`, maxBytes: 1000 }, { path: "logo.png", text: "\u0089PNG\u0000" + "z".repeat(2000), maxBytes: 1000 }],
  },
};
