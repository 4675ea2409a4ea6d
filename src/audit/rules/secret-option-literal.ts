// Catalogue row 3: a module's secret option given a literal.
import type { Rule } from "../rule.js";
import { looksGenerated, valueConfidence } from "../values.js";
import { GENERIC_NAME, isSecretName } from "../words.js";

export const secretOptionLiteral: Rule = {
  id: "secret-option-literal",
  severity: "high",
  title: "secret option set to a literal",
  description:
    "An option (or RFC 42 settings key, or let binding) whose name says it holds a secret (password, adminpass, secretKey, clientSecret, token, apiKey, …) " +
    "set to a literal that looks like a secret. Modules render these into config files or units in the store (nixpkgs#24288), and the value is in git. " +
    "Under a token, key or secret name, a value that reads like the name of a secret (`restic-db-token`) is reported at low severity; settings " +
    "(durations, sizes, booleans), placeholders, public keys, key ids and name-to-name maps are not reported.",
  hint: "nixsec add {secret} --host HOST --stdin, then nixsec wire {secret} {wire}; {rotate}",
  catalogue: [3],
  matcher: {
    on: "option",
    paths: ["*"],
    value: "string",
    preName: (last) => isSecretName(last) || GENERIC_NAME.has(last.toLowerCase()),
    pre: (p) => p[p.length - 2] === "basicAuth", // maps from user name to password
    accept: (v) => {
      const last = v.path[v.path.length - 1]!;
      const text = v.text.trim();
      // maps from user name to password: nginx basicAuth.<user>
      const inPasswordMap = v.path[v.path.length - 2] === "basicAuth";
      const generic = GENERIC_NAME.has(last.toLowerCase()) && looksGenerated(text);
      if (!isSecretName(last) && !inPasswordMap && !generic) return false;
      if (v.path.includes("options") || v.sink !== null) return false; // scripts and /etc text are the sink rules' job
      // nixsec's own generated data: `wires = [ { secret = "a/b"; userPassword = "alice"; } ]`
      // and template `parts = [ { secret = "a/b"; } ]` name secrets and users
      // (keep in sync with the data contract of src/nixgen/data.ts)
      if (["wire", "wires", "parts"].includes(v.path[v.path.length - 2]!)) return false;
      // a reverse-DNS name ("org.freedesktop.impl.portal.Secret"), a file name or words are data keys, not options
      if (!inPasswordMap && (/^(?:org|com|net|io|de|dev|app)\./.test(last) || /[/ ]/.test(last))) return false;
      // items of a list are names (`id_token = [ "email" "groups" ]`), unless one is a generated key
      if (v.inList && !looksGenerated(text)) return false;
      // key ids, fingerprints and identities of signing keys (`programs.git.signing.key`)
      if (v.path.some((s) => /sign|gpg|pgp|fingerprint|keyid/i.test(s)) && /^(?:0x)?[0-9A-Fa-f]{8,40}$|@/.test(text)) return false;
      const c = valueConfidence(text, inPasswordMap ? "password" : last, v.names?.());
      if (c === null) return false;
      return c === "low" ? { severity: "low" } : true;
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
      `{ home.file.".docker/config.json".text = builtins.toJSON { auths."registry.acme.example".auth = "YWxpY2U6aHVudGVyMjAyNA=="; }; }`,
      // a password may be any word, the user's name included
      `{ services.mosquitto.listeners = [ { users.kradalby.password = "kradalby"; } ]; }`,
      // the line beside the names and markers of held-out-2 (values.ts): upper case with `_` but digits
      // inside the words is a token, not an environment name; 16+ letters is a base32 key, not a marker;
      // a shouted word with a digit is a password; a …Secret option given a value that names nothing
      `{ services.llm-gateway.apiKey = "Q7XK_P2ZM_9WQA_L4TR"; }`,
      `{ services.otp.totpSecret = "JBSWYDPEHPKPXPQRSTUV"; }`,
      `{ services.dnsfilter.adminPassword = "HUNTER2FOREVER"; }`,
      `{ backups.nas.passwordSecret = "Quiet-River-88"; }`,
      // a private key is no SubjectPublicKeyInfo: PKCS#8 starts with a version INTEGER (its seed spells "nixsec-example-not-a-real-key!!!")
      `{ services.mail.dkim.key = "MC4CAQAwBQYDK2VwBCIEIG5peHNlYy1leGFtcGxlLW5vdC1hLXJlYWwta2V5ISEh"; }`,
    ],
    safe: [
      `{ services.grafana.settings.security.admin_password = "$__file{/run/secrets/grafana}"; services.nextcloud.config.adminpassFile = "/run/secrets/nc"; }`,
      `{ services.openssh.settings.PasswordAuthentication = false; programs.msmtp.accounts.default.passwordeval = "cat /run/secrets/mail"; }`,
      `{ systemd.network.networks.lan.ipv6AcceptRAConfig.Token = "::10:0:0:252"; services.foo.tokenLifetime = "24h"; services.bar.password = "<your password>"; }`,
      `{ lib, ... }: { options.services.foo.password = lib.mkOption { type = lib.types.str; default = "hunter2"; example = "hunter2"; }; }`,
      `{ services.foo.auth = "basic"; services.bar.key = "value-of-a-setting"; programs.git.signing.key = "3AA5C34371567BD2"; users.users.a.openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGvqZYlyhJaUXS8FJzEVosV4Lw1IFQUEujLNJ+qgZnWV a" ]; }`,
      // issue 15: lifespans, name-to-name maps, dummies, claim lists, portal names, cache keys, signing key ids, placeholders, a published default
      `{ services.authelia.instances.main.settings.identity_providers.oidc.lifespans.custom.x = { access_token = "1 hour"; refresh_token = "3 months"; }; }`,
      `{ services.opencrow.rbwEntries."x-api-key" = "x-api-key"; services.opencrow.rbwEntries."google-maps-api-key" = "gmaps-api-key"; services.opencrow.credentialFiles."gmaps-api-key" = "/run/x"; }`,
      `{ services.opencrow.providers.vllm = { baseUrl = "http://jack.r:8000/v1"; apiKey = "unused"; }; services.bootstrap.secrets.kadPsk = "REPLACE_WIFI_PSK"; }`,
      `{ services.authelia.instances.main.settings.identity_providers.oidc.claims_policies.grafana.id_token = [ "email" "name" "groups" ]; }`,
      `{ xdg.portal.config.common."org.freedesktop.impl.portal.Secret" = [ "gnome-keyring" ]; }`,
      `{ nix.settings.substituters.nasgul.key = "cache.local.example.org:ioE/YEOpla3uyof/kZQG+gNKgeBAhOMWh+riRAEzKDA="; programs.git.signing.key = "0x02E935006CF2E8E7"; }`,
      `{ services.grafana.settings.security.secret_key = "SW2YcwTIb9zpOOhoPsMm"; services.mapbox.accessToken = "pk.eyJ1IjoiZXhhbXBsZSIsImEiOiJjazEyMyJ9.abcdefghijklmnop"; }`,
      // held-out-2: environment names, litellm's os.environ/, run-time markers, a sops secret's name, a DKIM record
      `{ services.llm-gateway.models = [ { apiKey = "AZURE_OPENAI_KEY"; } ]; services.llm-gateway.settings.master_key = "os.environ/GATEWAY_KEY"; }`,
      `{ services.nvr.settings.mqtt.password = "{NVR_MQTT_PASSWORD}"; services.docs.oidc.secret = "__DOCS_CLIENT_SECRET__"; backups.nas.passwordSecret = "restic/nas-password"; }`,
      `{ services.dns.records.dkim.key = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCol8HsOFYYnZ06aB7VCH6LiquyiYBZirTbK6JINyUWDv"; }`,
    ],
  },
};
