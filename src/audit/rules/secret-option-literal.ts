// Catalogue row 3: a module's secret option given a literal.
import type { Rule } from "../rule.js";
import { GENERIC_NAME, isSecretName, looksGenerated, notASecret } from "../words.js";

export const secretOptionLiteral: Rule = {
  id: "secret-option-literal",
  severity: "high",
  title: "secret option set to a literal",
  description:
    "An option (or RFC 42 settings key, or let binding) whose name says it holds a secret (password, adminpass, secretKey, clientSecret, token, apiKey, …) " +
    "set to a literal string. Modules render these into config files or units in the store (nixpkgs#24288), and the value is in git.",
  hint: "nixsec add {secret} --host HOST --stdin, then nixsec wire {secret} --option {fileOption} (most modules have a *File twin; otherwise --credential UNIT); rotate the value, it is in git history",
  catalogue: [3],
  matcher: {
    on: "option",
    paths: ["*"],
    value: "string",
    preName: (last) => isSecretName(last) || GENERIC_NAME.has(last.toLowerCase()),
    pre: (p) => p[p.length - 2] === "basicAuth", // maps from user name to password
    accept: (v) => {
      const last = v.path[v.path.length - 1]!;
      // maps from user name to password: nginx basicAuth.<user>
      const inPasswordMap = v.path[v.path.length - 2] === "basicAuth";
      const generic = GENERIC_NAME.has(last.toLowerCase()) && looksGenerated(v.text.trim());
      if (!isSecretName(last) && !inPasswordMap && !generic) return false;
      if (v.path.includes("options") || v.sink !== null) return false; // scripts and /etc text are the sink rules' job
      // nixsec's own generated data: `wires = [ { secret = "a/b"; userPassword = "alice"; } ]`
      // and template `parts = [ { secret = "a/b"; } ]` name secrets and users
      // (keep in sync with the data contract of src/nixgen/data.ts)
      if (["wire", "wires", "parts"].includes(v.path[v.path.length - 2]!)) return false;
      if (v.text.trim().includes("\n")) return false; // a document, not a value
      return notASecret(v.text) === null;
    },
  },
  examples: {
    leaks: [
      `{ services.nextcloud.config.adminpass = "Nextcloud-Admin-1"; }`,
      `{ services.gitea.settings.security.SECRET_KEY = "b1946ac92492d2347c6235b4d2611184"; }`,
      `{ services.grafana.settings.security.admin_password = "grafana-admin-2024"; }`,
      `{ services.k3s.token = "my-cluster-join-token"; }`,
      `let dbPassword = "Quiet-River-88"; in { }`,
      `{ services.foo.settings = { smtp = { host = "mail.example"; password = "Mailbox-Key-7"; }; }; }`,
      `{ home.file.".docker/config.json".text = builtins.toJSON { auths."ghcr.io".auth = "YWxpY2U6aHVudGVyMjAyNA=="; }; }`,
    ],
    safe: [
      `{ services.grafana.settings.security.admin_password = "$__file{/run/secrets/grafana}"; services.nextcloud.config.adminpassFile = "/run/secrets/nc"; }`,
      `{ services.openssh.settings.PasswordAuthentication = false; programs.msmtp.accounts.default.passwordeval = "cat /run/secrets/mail"; }`,
      `{ systemd.network.networks.lan.ipv6AcceptRAConfig.Token = "::10:0:0:252"; services.foo.tokenLifetime = "24h"; services.bar.password = "<your password>"; }`,
      `{ lib, ... }: { options.services.foo.password = lib.mkOption { type = lib.types.str; default = "hunter2"; example = "hunter2"; }; }`,
      `{ services.foo.auth = "basic"; services.bar.key = "value-of-a-setting"; programs.git.signing.key = "3AA5C34371567BD2"; users.users.a.openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGvqZYlyhJaUXS8FJzEVosV4Lw1IFQUEujLNJ+qgZnWV a" ]; }`,
    ],
  },
};
