// Catalogue row 8: a secret in an activation script.
import type { Rule } from "../rule.js";

export const activationScriptSecret: Rule = {
  id: "activation-script-secret",
  severity: "high",
  title: "secret in an activation script",
  description:
    "system.activationScripts.* (or home-manager's home.activation.*) with a password in it, e.g. echo root:pw | chpasswd. The activation script is a " +
    "world-readable store path.",
  hint: "nixsec add {secret} --host HOST --stdin and read it at run time; for user passwords use nixsec wire users/USER/hashedPassword --user-password USER instead of chpasswd; {rotate}",
  catalogue: [8],
  matcher: { on: "sink", sinks: ["activation"], detectors: ["assignment", "stdin"] },
  examples: {
    leaks: [
      `{ system.activationScripts.rootpw.text = ''\n  echo "root:toor-toor" | chpasswd\n''; }`,
      `{ system.activationScripts.smb = "(echo Samba-Pass-1; echo Samba-Pass-1) | smbpasswd -s -a alice; export API_KEY=abcd1234efgh"; }`,
      `{ lib, ... }: { home.activation.token = lib.hm.dag.entryAfter [ "writeBoundary" ] ''\n  export GH_TOKEN=Velvet-Rope-99\n''; }`,
    ],
    safe: [
      `{ config, ... }: { system.activationScripts.rootpw.text = ''\n  echo "root:$(cat \${config.age.secrets.root.path})" | chpasswd -e\n''; }`,
    ],
  },
};
