// Catalogue row 5: reading a secret's contents at evaluation time.
import type { Rule } from "../rule.js";
import { isSecretPathText } from "../words.js";

export const readSecretAtEval: Rule = {
  id: "read-secret-at-eval",
  severity: "high",
  title: "secret read at evaluation time",
  description:
    "builtins.readFile / lib.fileContents / lib.importJSON of a secret puts its contents into the evaluated configuration and then into the store wherever the " +
    "string is used. For config.age.secrets.*.path or config.sops.secrets.*.path it is always wrong: the file exists only after activation, so evaluation " +
    "reads a stale or missing file (\"PSA: NixOS secrets handling antipatterns\").",
  hint: "pass the path, not the contents: nixsec wire NAME --option services.SERVICE.passwordFile (or --credential UNIT, or --environment-file UNIT); build composite files on the host with nixsec template add NAME --host HOST --from-file FILE ({{ nixsec:SECRET }} placeholders)",
  catalogue: [5],
  matcher: {
    on: "call",
    functions: ["readFile", "fileContents", "importJSON", "importTOML", "readFileSync"],
    accept: (a) => {
      if (a.kind === "ref") return /(?:^|\.)(?:age|sops|vaultix|agenix)\.(?:secrets|templates)\./.test(a.text) || /(?:^|\.)(?:secrets)\.[^.]+\.path$/.test(a.text);
      // `"${inputs.my-secrets}/wifi"`: the interpolated name counts as a path segment
      if (a.kind === "string") return /^\/run\/(?:secrets|agenix|credentials|keys)/.test(a.text) || isSecretPathText(a.text.replace(/[${}]/g, "/"));
      if (a.kind === "path") return isSecretPathText(a.text);
      return false;
    },
    // reading a hash (`./vault/root-hash`) publishes a hash, not a password
    severityOf: (a) => (/hash/i.test(a.text) ? "medium" : undefined),
  },
  examples: {
    leaks: [
      `{ config, ... }: { services.foo.password = builtins.readFile config.age.secrets.foo.path; }`,
      `{ config, lib, ... }: { x = lib.fileContents config.sops.secrets."db/password".path; }`,
      `{ services.grafana.settings.security.admin_password = builtins.readFile ./secrets/grafana-admin; }`,
      `{ lib, ... }: let creds = lib.importJSON ./secrets/creds.json; in { }`,
      `{ inputs, ... }: { x = builtins.readFile "\${inputs.my-secrets}/wifi-password"; }`,
      `{ config, ... }: let pwFile = config.age.secrets.db.path; in { y = builtins.readFile pwFile; }`,
      `{ builder.key = builtins.readFile ./vault/builder-ssh; }`,
    ],
    safe: [
      `{ config, ... }: { services.foo.passwordFile = config.age.secrets.foo.path; }`,
      `{ lib, ... }: { users.users.alice.openssh.authorizedKeys.keys = [ (builtins.readFile ./keys/alice.pub) ]; x = lib.importJSON ./hosts.json; }`,
      `{ y = builtins.readFile ./motd.txt; z = builtins.fromJSON (builtins.readFile ./data/versions.json); }`,
      // importing a set of secrets is not itself the leak: where its values are used is (eval-secret-value)
      `{ secrets = import ./vault.nix; creds = import ./load-creds.nix; hosts = import ./hosts.nix; }`,
    ],
  },
};
