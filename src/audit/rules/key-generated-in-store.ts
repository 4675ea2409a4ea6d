// A private key generated while a derivation builds (issue 15's blind misses:
// `runCommand "host-key" … "ssh-keygen -f key; mv key $out"`). Whatever a
// build writes to $out is a world-readable store path, and every machine that
// builds it gets the same key out of the binary cache.
import type { Rule } from "../rule.js";

export const keyGeneratedInStore: Rule = {
  id: "key-generated-in-store",
  severity: "high",
  title: "private key generated into the Nix store",
  description:
    "ssh-keygen, wg genkey, openssl genrsa/req -newkey, age-keygen, nix-store --generate-binary-cache-key and the like run inside a derivation " +
    "(runCommand, buildCommand, buildPhase, installPhase). The build output is a world-readable store path (and is substituted from caches), so the key " +
    "is public. Generating keys in a unit or activation script at run time is fine.",
  hint: "generate the key once and keep it in the store of secrets: nixsec add {secret} --host HOST --generate ssh-ed25519 (or --generate wireguard), " +
    "then nixsec wire {secret} --option OPTION (the option that reads the key); for an initrd SSH host key, nixsec wire {secret} --initrd /etc/secrets/initrd/ssh_host_ed25519_key",
  catalogue: [18],
  matcher: { on: "sink", sinks: ["build"], detectors: ["keygen"] },
  examples: {
    leaks: [
      `{ pkgs, ... }: { boot.initrd.network.ssh.hostKeys = [ (pkgs.runCommandLocal "initrd-key" { } ''\n  ssh-keygen -t ed25519 -N "" -f key\n  mv key $out\n'') ]; }`,
      `{ pkgs, ... }: { x = pkgs.stdenv.mkDerivation { name = "wg"; buildCommand = "wg genkey > $out"; }; }`,
    ],
    safe: [
      `{ pkgs, ... }: { systemd.services.keys.script = "[ -f /var/lib/k ] || ssh-keygen -t ed25519 -N '' -f /var/lib/k"; }`,
      `{ pkgs, ... }: { x = pkgs.runCommand "pub" { } "ssh-keygen -y -f \${./key.pub} > $out"; }`,
    ],
  },
};
