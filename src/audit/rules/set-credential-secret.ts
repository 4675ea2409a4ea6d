// anchors.md §9.2 item 5: SetCredential= with a literal value.
import type { Rule } from "../rule.js";
import { notASecret } from "../values.js";

export const setCredentialSecret: Rule = {
  id: "set-credential-secret",
  severity: "high",
  title: "credential value written into a unit",
  description:
    "serviceConfig.SetCredential = \"name:value\" puts the value itself into the unit file in the store; LoadCredential= reads it from a file at start.",
  hint: "nixsec add {secret} --host HOST --stdin, then nixsec wire {secret} --credential {unit}:NAME (LoadCredential instead of SetCredential); {rotate}",
  catalogue: [9],
  matcher: {
    on: "option",
    paths: ["serviceConfig.SetCredential", "serviceConfig.SetCredentialEncrypted"],
    value: "string",
    accept: (v) => {
      const c = v.text.indexOf(":");
      if (c < 0) return false;
      const value = v.text.slice(c + 1);
      if (notASecret(value) !== null) return false;
      return { start: c + 1, end: v.text.length };
    },
  },
  examples: {
    leaks: [`{ systemd.services.app.serviceConfig.SetCredential = "token:Mz8-raw-token-value"; }`],
    safe: [`{ systemd.services.app.serviceConfig.LoadCredential = "token:/run/secrets/app-token"; }`],
  },
};
