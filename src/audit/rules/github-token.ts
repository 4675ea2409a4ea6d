// Catalogue row 14: GitHub personal access, OAuth, app and fine-grained tokens.
import type { Rule } from "../rule.js";
import { fake } from "./fake.js";

export const githubToken: Rule = {
  id: "github-token",
  severity: "high",
  title: "GitHub token",
  description: "A GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_). In a Nix string it is in git and, wherever the string is used, in the store.",
  hint: "nixsec add {secret} --host HOST --stdin, then nixsec wire {secret} {wire}; {rotate} (revoke it on GitHub if so)",
  catalogue: [14],
  matcher: {
    on: "text",
    keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b/g,
  },
  examples: {
    leaks: [
      `{ nix.settings.access-tokens = [ "github.com=${fake.github("ex1")}" ]; }`,
      `{ services.github-runners.ci.tokenFile = "/run/secrets/gh"; x = ''\n  token: ${fake.githubFine("ex2")}\n''; }`,
    ],
    safe: [
      `{ services.github-runners.ci.tokenFile = "/run/agenix/github-runner"; }`,
      `{ x = "ghp_"; y = "ghp_xxxxxxxxxxxxxxxxxxxx"; }`,
    ],
  },
};
