// The variable parts of hints (issue 15, "hints that work"): which wiring
// command fits an option, and whether a leaked value needs rotating. A hint
// never names an option nixsec cannot vouch for as if it existed: a key of a
// freeform settings set has no *File twin, a module option's twin is named
// only conditionally unless it is on the known list below, and the initrd
// gets initrd advice. Every `nixsec …` command a hint prints is parsed by the
// real CLI in test/audit/hints.test.ts.
import type { HintVars } from "./hit.js";

// Options whose *File twin is known (nixpkgs). The first match, by suffix, wins.
const KNOWN_TWINS: readonly [string, string][] = [
  ["services.nextcloud.config.adminpass", "services.nextcloud.config.adminpassFile"],
  ["services.nextcloud.config.dbpass", "services.nextcloud.config.dbpassFile"],
  ["services.k3s.token", "services.k3s.tokenFile"],
  ["services.tailscale.authKey", "services.tailscale.authKeyFile"],
  ["services.redis.servers.*.requirePass", "services.redis.servers.*.requirePassFile"],
  ["services.restic.backups.*.password", "services.restic.backups.*.passwordFile"],
  ["services.gitea.mailerPassword", "services.gitea.mailerPasswordFile"],
  ["services.forgejo.mailerPassword", "services.forgejo.secrets.mailer.PASSWD"],
  ["networking.wireguard.interfaces.*.privateKey", "networking.wireguard.interfaces.*.privateKeyFile"],
  ["networking.wg-quick.interfaces.*.privateKey", "networking.wg-quick.interfaces.*.privateKeyFile"],
  ["networking.wireguard.interfaces.*.peers.*.presharedKey", "networking.wireguard.interfaces.*.peers.*.presharedKeyFile"],
  ["services.mosquitto.listeners.*.users.*.password", "services.mosquitto.listeners.*.users.*.passwordFile"],
  ["services.nginx.virtualHosts.*.basicAuth", "services.nginx.virtualHosts.*.basicAuthFile"],
  ["services.grafana.settings.security.admin_password", "services.grafana.settings.security.admin_password"],
  ["services.home-assistant.config.*", ""],
];
// Freeform sets: their keys are rendered as written, so no key has a *File twin.
const FREEFORM = new Set(["settings", "config", "extraConfig", "configuration", "environment", "extraEnv", "environmentVariables", "extraSettings", "extraOptions", "globalConfig"]);

const TWINS = KNOWN_TWINS.map(([pattern, twin]) => ({ segs: pattern.split("."), twin }));

function matches(p: readonly string[], segs: readonly string[]): string[] | null {
  if (segs.length > p.length) return null;
  const lastSeg = segs[segs.length - 1];
  if (lastSeg !== "*" && lastSeg !== p[p.length - 1]) return null; // the cheap test first
  const off = p.length - segs.length;
  const stars: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    if (segs[i] === "*") stars.push(p[off + i]!);
    else if (segs[i] !== p[off + i]) return null;
  }
  return stars;
}

/**
 * `{wire}`: how to hand the secret to the option at `p` (config.-stripped),
 * as the rest of a `nixsec wire SECRET …` command and what follows it.
 */
export function wireFor(p: readonly string[], unit: string | undefined): string {
  const u = unit ?? "UNIT";
  for (const { segs, twin } of TWINS) {
    const stars = matches(p, segs);
    if (!stars) continue;
    if (!twin) break;
    let k = 0;
    const filled = twin.split(".").map((s) => (s === "*" ? stars[k++] ?? "*" : s)).join(".");
    if (filled === p.join(".") && /admin_password$/.test(filled)) {
      return `--credential grafana, and set ${filled} = "$__file{/run/credentials/grafana.service/${p[p.length - 1]}}"`;
    }
    return `--option ${filled}`;
  }
  const last = p[p.length - 1] ?? "";
  if (p.length < 2) return `--option OPTION if the option where it is used reads a file, otherwise --credential ${u}`; // a let binding
  if (last === "LoadCredential" || last === "LoadCredentialEncrypted") return `--credential ${u}`;
  if (last === "EnvironmentFile" || last === "environmentFile" || last === "environmentFiles") return `--environment-file ${u}`;
  // the configuration sets this file option already: it exists
  if (/(?:File|Files|Path|Paths|file|path|CertificateKey)$/.test(last)) return `--option ${p.join(".")}`;
  const s = p.indexOf("services");
  const inFreeform = p.slice(s >= 0 ? s + 2 : 1, -1).some((x) => FREEFORM.has(x));
  if (inFreeform) {
    return `--environment-file ${u} if the service reads it from its environment; a key of a settings set has no *File option, so otherwise let the host render the file: nixsec template add NAME --host HOST --from-file FILE with {{ nixsec:SECRET }} in place of the value`;
  }
  const twin = `${p.join(".")}File`;
  return `--option ${twin} if the module has that option (check its documentation; nixsec does not know every module), otherwise --environment-file ${u} or --credential ${u}`;
}

/**
 * The hint for a file the initrd reads (`boot.initrd.luks.devices.x.keyFile`):
 * the initrd needs it at boot, before any runtime secret exists, so a runtime
 * path will not do; `nixsec wire --initrd` puts it into boot.initrd.secrets.
 */
export const INITRD_HINT =
  "nixsec add {secret} --host HOST --from-file THAT-FILE, then nixsec wire {secret} --initrd /etc/secrets/initrd/KEYFILE (boot.initrd.secrets) " +
  "and set the option to that string path; delete the plaintext file from the repository; {rotate}";

/** `{wire}` for a secret that is part of a longer setting (`password=${…}` in mount options). */
export function wireInside(unit: string | undefined): string {
  return `--credential ${unit ?? "UNIT"}, and have the program read it from $CREDENTIALS_DIRECTORY at run time instead of from this setting`;
}

/** `{rotate}`: what to do about the leaked value, by whether it was ever committed (null: not known). */
export function rotateFor(committed: boolean | null | undefined): string {
  if (committed === true) return "rotate the value: it is in git history";
  if (committed === false) return "no rotation needed: the value was never committed";
  return "rotate the value if it was ever committed or deployed";
}

export function fillHint(hint: string, vars: HintVars): string {
  const plain: Record<string, string | undefined> = { option: vars.option, fileOption: vars.fileOption, secret: vars.secret, user: vars.user, unit: vars.unit };
  const blank: Record<string, string> = { option: "OPTION", fileOption: "OPTION", secret: "NAME", user: "USER", unit: "UNIT" };
  return hint.replace(/\{(option|fileOption|secret|user|unit|wire|rotate)\}/g, (_, k: string) => {
    if (k === "rotate") return rotateFor(vars.committed);
    if (k === "wire") return vars.wire ?? `--credential ${vars.unit ?? "UNIT"}`;
    return plain[k] || blank[k]!;
  });
}
