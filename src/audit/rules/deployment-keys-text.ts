// Catalogue row 15: a nixops/colmena key given inline.
import type { Rule } from "../rule.js";
import { notASecret } from "../values.js";

export const deploymentKeysText: Rule = {
  id: "deployment-keys-text",
  severity: "high",
  title: "deployment key written inline",
  description:
    "deployment.keys.<name>.text (colmena, nixops) set to a literal. Colmena uploads keys out of band, but the plaintext is in the evaluated configuration and in git.",
  hint: "nixsec add {secret} --host HOST --stdin and nixsec wire {secret} --option OPTION (the option that reads the key), or give colmena keyCommand = [ \"nixsec\" \"show\" \"{secret}\" ]; {rotate}",
  catalogue: [15],
  matcher: {
    on: "option",
    paths: ["deployment.keys.*.text", "deployment.secrets.*.text"],
    value: "string",
    accept: (v) => notASecret(v.text) === null,
  },
  examples: {
    leaks: [
      `{ deployment.keys."restic-password".text = "restic-repo-pw-2024"; }`,
      `let pw = "Tr0ub4dor&3"; in { deployment.keys.db = { text = pw; user = "postgres"; }; }`,
    ],
    safe: [
      `{ deployment.keys.db = { keyCommand = [ "pass" "show" "db" ]; user = "postgres"; }; deployment.keys.wg.keyFile = "/home/alice/keys/wg"; }`,
    ],
  },
};
