// Managed-store check: the admin identity recorded for this repository by
// `nixsec init` can be read by other users of the machine. It decrypts every
// secret of the store.
import type { Rule, StoreHit } from "../rule.js";

export const identityFileReadable: Rule = {
  id: "identity-file-readable",
  severity: "high",
  title: "admin identity readable by others",
  description:
    "The admin identity recorded for this repository (by nixsec init, in ~/.config/nixsec/repos.json) can be read by its group or by every user " +
    "of the machine (mode 0640, 0644, …). It decrypts every secret in the store. nixsec and age-keygen create identities with mode 0600; a copy, an " +
    "archive extraction or a umask can widen it. (An identity committed to git is tracked-identity-file.)",
  hint: "chmod 600 the file; if others may have read it, replace it: nixsec age keygen -o ~/.config/nixsec/keys/NEW.key, then nixsec admin set-key NAME --key age1…",
  catalogue: [18],
  matcher: {
    on: "store",
    check: (s) => {
      const id = s.identity;
      if (!id || (id.mode & 0o044) === 0) return [];
      const mode = (id.mode & 0o777).toString(8).padStart(4, "0");
      const who = id.mode & 0o004 ? "every user" : "its group";
      const hit: StoreHit = { file: id.inRepo ?? id.path, line: 1, detail: `${id.path} has mode ${mode}: ${who} can read it`, anchor: "recorded-identity" };
      return [hit];
    },
  },
  examples: {
    leaks: [
      { store: { identity: { path: "/home/alice/.config/nixsec/keys/fleet-alice.key", mode: 0o100644, inRepo: null } } },
      { store: { identity: { path: "/home/alice/keys/fleet.key", mode: 0o100640, inRepo: null } } },
    ],
    safe: [
      { store: { identity: { path: "/home/alice/.config/nixsec/keys/fleet-alice.key", mode: 0o100600, inRepo: null } } },
      { store: { identity: null } },
    ],
  },
};
