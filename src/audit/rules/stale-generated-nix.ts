// Managed-store check: the generated Nix (nixsec gen) no longer matches
// nixsec.yaml and the ciphertext. Hosts then deploy the old wiring: a secret
// taken away from a host is still decrypted there, a rotated value does not
// restart its consumers, agenix's secrets.nix names the old readers.
import type { Rule, StoreHit } from "../rule.js";

export const staleGeneratedNix: Rule = {
  id: "stale-generated-nix",
  severity: "medium",
  title: "generated Nix is stale",
  description:
    "A file `nixsec gen` writes (the module's data.nix, agenix's secrets.nix) differs from what nixsec.yaml and the encrypted files produce, or is " +
    "missing. Hosts deploy the old data: a secret removed from a host is still decrypted on it, a rotated value does not restart its consumers, and " +
    "agenix -r re-encrypts to the old readers.",
  hint: "run nixsec gen and commit the result with the manifest (in CI: nixsec gen --check)",
  catalogue: [17],
  matcher: {
    on: "store",
    check: (s) => {
      const hits: StoreHit[] = [];
      for (const g of s.generated) {
        if (g.state === "current") continue;
        hits.push({ file: g.path, line: 1, detail: `${g.path} is ${g.state === "missing" ? "missing" : `out of date with ${s.manifest}`}`, anchor: g.path });
      }
      return hits;
    },
  },
  examples: {
    leaks: [
      { store: { generated: [{ path: "nixsec/data.nix", state: "stale" }, { path: "secrets/secrets.nix", state: "current" }] } },
      { store: { generated: [{ path: "nixsec/data.nix", state: "missing" }] } },
    ],
    safe: [{ store: { generated: [{ path: "nixsec/data.nix", state: "current" }, { path: "secrets/secrets.nix", state: "current" }] } }],
  },
};
