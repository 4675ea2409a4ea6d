// Not a leak: a .nix file nixsec could not parse, scanned token by token instead.
import type { Rule } from "../rule.js";

export const parseError: Rule = {
  id: "parse-error",
  severity: "low",
  title: "file does not parse; scanned token by token only",
  description:
    "A .nix file that the parser rejects. Its strings still go through the token rules and simple `a.b = \"…\";` lines through the option rules, but " +
    "let-bound flow and nested option paths are not followed, so leaks can be missed.",
  hint: "check the file with nix-instantiate --parse FILE; if Nix accepts it, please report the parser bug to nixsec",
  catalogue: [],
  // Raised by the engine itself when parsing fails (detect.ts).
  matcher: { on: "file", applies: () => false, check: () => [] },
  examples: {
    leaks: [`{ users.users.alice.initialPassword = "hunter2" }`, `{ a = ''\n  unterminated`],
    safe: [`{ a = 1; }`],
  },
};
