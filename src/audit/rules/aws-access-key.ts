// Catalogue row 14: AWS access key ids and secret access keys.
import type { Rule } from "../rule.js";
import { fake } from "./fake.js";

export const awsAccessKey: Rule = {
  id: "aws-access-key",
  severity: "high",
  title: "AWS access key",
  description: "An AWS access key id (AKIA…, ASIA…) or a secret access key next to its name. In a Nix string it is in git and in the store.",
  hint: "deactivate the key in IAM, then nixsec add {secret} --host HOST --format env --stdin and nixsec wire {secret} --environment-file UNIT; {rotate}",
  catalogue: [14],
  matcher: {
    on: "text",
    keywords: ["akia", "asia", "abia", "acca", "aws_secret_access_key", "secretaccesskey"],
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b|(?:aws_secret_access_key|secretAccessKey)["']?\s*[=:]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    allow: [/EXAMPLE$/, /^AKIAIOSFODNN7/],
  },
  examples: {
    leaks: [
      `{ systemd.services.backup.environment.AWS_ACCESS_KEY_ID = "${fake.awsKeyId("ex1")}"; }`,
      `{ environment.etc."aws/credentials".text = ''\n  [default]\n  aws_secret_access_key = ${fake.awsSecret("ex2")}\n''; }`,
    ],
    safe: [
      `{ x = "AKIAIOSFODNN7EXAMPLE"; }`,
      `{ systemd.services.backup.serviceConfig.EnvironmentFile = "/run/secrets/aws"; }`,
    ],
  },
};
