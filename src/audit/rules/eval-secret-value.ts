// Issue 15, flow through bindings: a secret's value read at evaluation time
// (a git-crypt'd set imported into the configuration, a `secrets` module
// argument, a file read with readFile) written into a secret option or into
// text that lands in the store. The engine (nix-scan.ts, secret-ref.ts) finds
// where such a value is used; the call that reads it is read-secret-at-eval.
import type { Rule } from "../rule.js";

export const evalSecretValue: Rule = {
  id: "eval-secret-value",
  severity: "high",
  title: "secret value read at evaluation written into the configuration",
  description:
    "An attribute of a set of secrets (`secrets.db`, `creds.token` after `creds = import ./creds.nix`, a name under `with creds;`) or a file's " +
    "contents read at evaluation, given to a secret option or interpolated into a unit, a script, /etc text or a store writer. Encrypting the set in " +
    "git (git-crypt) does not help: the evaluated value is plaintext in the world-readable store. A hash (hashedPassword) is reported at medium.",
  hint: "nixsec add {secret} --host HOST --stdin (the value), then nixsec wire {secret} {wire}; stop reading the value at evaluation; {rotate}",
  catalogue: [5],
  matcher: {
    on: "sink",
    sinks: ["etc-text", "config-text", "writer", "build", "activation", "unit-script", "unit-exec", "flags", "environment"],
    detectors: ["eval"],
  },
  examples: {
    leaks: [
      `{ secrets, ... }: { services.grafana.settings.security.secret_key = secrets.dashboardKey; }`,
      `{ secrets, ... }: { systemd.mounts = [ { what = "//nas/d"; where = "/mnt"; options = "username=share,password=\${secrets.shareAuth},rw"; } ]; }`,
      `let creds = import ./load-creds.nix; in { services.hydra.extraConfig = with creds; "token \${ghToken}"; }`,
      `{ offsite.passphrase = import ./vault/offsite-passphrase.nix; }`,
      // beside the network layout of the same set (safe below), a key is still a key
      `{ secrets, ... }: { services.tailscale.extraFlags = [ "--auth-key=\${secrets.net.tailnetKey}" ]; }`,
    ],
    safe: [
      `{ config, secrets, ... }: { services.foo.passwordFile = config.age.secrets.foo.path; networking.wg.peers = [ { publicKey = secrets.vpn.publicKey; endpoint = secrets.vpn.endpoint; } ]; }`,
      `{ config, ... }: let cfg = config.services.foo; in { systemd.services.foo.script = "run --password-file \${cfg.passwordFile}"; }`,
      `{ inputs, ... }: { age.secrets.x.file = "\${inputs.secrets}/x.age"; }`,
      // a file read into a let binding is reported at the read (read-secret-at-eval), not at each use
      `{ pkgs, ... }: let pw = builtins.readFile ./vault/smtp-password; in { x = pkgs.writeText "msmtprc" "password \${pw}"; }`,
      // held-out-2: what a network's layout or a thing's id is, kept private but no credential
      `{ secrets, ... }: { services.tailscale.extraFlags = [ "--advertise-routes=\${secrets.net.iot.prefix}.0/24" ]; systemd.services.f.script = "ip addr flush dev \${secrets.net.lan.interface}"; }`,
    ],
  },
};
