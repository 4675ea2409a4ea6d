// Catalogue row 14: GitLab personal access tokens and runner tokens.
import type { Rule } from "../rule.js";
import { fake } from "./fake.js";

export const gitlabToken: Rule = {
  id: "gitlab-token",
  severity: "high",
  title: "GitLab token",
  description: "A GitLab personal access or runner token (glpat-, glrt-). In a Nix string it is in git and in the store wherever it is used.",
  hint: "nixsec add {secret} --host HOST --stdin, then nixsec wire {secret} {wire}; {rotate} (revoke it in GitLab if so)",
  catalogue: [14],
  matcher: {
    on: "text",
    keywords: ["glpat-", "glrt-", "gldt-"],
    pattern: /\bgl(?:pat|rt|dt)-[0-9A-Za-z_-]{20,}\b/g,
  },
  examples: {
    leaks: [`{ services.gitlab-runner.services.ci.registrationFlags = [ "--token" "${fake.gitlab("ex1")}" ]; }`],
    safe: [`{ services.gitlab-runner.services.ci.authenticationTokenConfigFile = "/run/secrets/runner"; x = "glpat-"; }`],
  },
};
