// Catalogue row 14: a private key block in a string or a tracked file.
import { fingerprintHash } from "../hash.js";
import type { Rule } from "../rule.js";
import { fake } from "./fake.js";

// Test keys published on purpose, by the hash of their base64 body (the keys
// themselves are not copied here): nixpkgs' nixos/modules/profiles/keys/
// ssh_host_ed25519_key, which test VMs and throwaway builders use. Reported at
// low severity: anyone can impersonate a host using it, but it is no leak.
const PUBLISHED_TEST_KEYS = new Set(["b243d9b15ace69ba"]);

export const privateKey: Rule = {
  id: "private-key",
  severity: "high",
  title: "private key",
  description:
    "An OpenSSH, PEM or PGP private key block. In a Nix string it is copied into the world-readable store wherever the string is used; " +
    "in a tracked file it is in git, and in the store too when the repository is a flake.",
  hint: "move it into the store of secrets: nixsec add {secret} --host HOST --from-file THE-KEY-FILE (or --generate ssh-ed25519 for a new key), then nixsec wire {secret} {wire}; remove the key from the repository; {rotate}",
  catalogue: [14, 16],
  matcher: {
    on: "text",
    keywords: ["private key", "PuTTY-User-Key-File"],
    // BEGIN line, optional PEM headers (Proc-Type: …), then at least 40 base64
    // characters, up to the matching END line. `(?=(…))\2` is an atomic group
    // (JS has none): once the body start is found it is never re-split, which
    // keeps an unterminated block linear instead of quadratic.
    pattern: /-----BEGIN ((?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----[ \t]*\r?\n(?=((?:[ \t]*[A-Za-z-]+:[^\n]*\n)*(?:[ \t]*\r?\n)?[ \t]*[A-Za-z0-9+/=]{40,}))\2[\s\S]*?-----END \1-----|PuTTY-User-Key-File-\d: .+/g,
    severityOf: (m) => {
      if (m.includes("ENCRYPTED PRIVATE KEY")) return "medium";
      const body = m.replace(/^-----BEGIN[^\n]*\n|-----END[^\n]*$/g, "").replace(/[^A-Za-z0-9+/=]/g, "");
      return PUBLISHED_TEST_KEYS.has(fingerprintHash(body)) ? "low" : "high";
    },
  },
  examples: {
    leaks: [
      `{ environment.etc."ssh/ssh_host_ed25519_key".text = ''\n${fake.pem("OPENSSH", "ex1", "    ")}\n  ''; }`,
      `{ pkgs, ... }: { x = pkgs.writeText "key" "${fake.pem("RSA", "ex2").replace(/\n/g, "\\n")}"; }`,
      { path: "keys/deploy_key", text: fake.pem("", "ex3") + "\n" },
    ],
    safe: [
      `{ services.nginx.virtualHosts.a.sslCertificate = "/var/lib/acme/a/cert.pem"; x = "-----BEGIN CERTIFICATE-----"; }`,
      `{ description = "paste your -----BEGIN OPENSSH PRIVATE KEY----- here"; }`,
      `# -----BEGIN OPENSSH PRIVATE KEY-----\n{ }`,
    ],
  },
};
