// The vocabulary shared by the rules: which names name a secret, and which
// values are clearly not one (placeholders a tool substitutes at run time,
// runtime paths, public keys, hashes of sources). Keeping these in one place
// keeps the rules consistent and the false-positive policy reviewable.
//
// Policy for weak-but-real values: `changeme`, `password`, `nixos`, `toor` ARE
// reported. Once deployed they are the live credential, published in git and
// the store (research/audit.md §3.1 found exactly these). Only syntax that a
// tool replaces at run time, runtime paths and documentation-style `<…>`
// placeholders are exempt.

/**
 * `name` for use as a memo key: a copy that does not keep the text it was cut
 * from alive. Names are the parser's slices of a file's text, and V8 makes a
 * slice of 13 characters or more a view into that text; as a key that lives
 * for the whole run it would keep the whole file in memory.
 */
export function memoKey(name: string): string {
  return name.length < 13 ? name : (" " + name).slice(1); // the concatenation is flattened into a fresh string
}

/** Lower-case words of an identifier: camelCase, snake_case, kebab-case, dots. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

// Names that read as a flag or a setting about a secret, not the secret.
const FLAG_PREFIX = new Set(["enable", "use", "allow", "no", "has", "is", "show", "hide", "ask", "prompt", "reset", "disable", "min", "max", "check", "expire"]);
// Whole words that are a secret on their own (also as suffix: dbpassword, authtoken).
const SECRET_WORD = /^(?:[a-z]*?)(password|passwd|passphrase|secret|token|apikey|psk)$/;
const PASS_WORD = /^(?:(?:admin|db|root|user|smtp|mail|ldap|bind|rpc|redis|sql|mqtt|master|sasl|auth|require)(?:pass|pw|pwd))$/;
// `pass` / `pwd` alone are secret after these words (DB_PASS, smtp_pass), not after others (proxyPass, cwd).
const PASS_QUALIFIER = new Set(["db", "admin", "root", "user", "smtp", "mail", "ldap", "bind", "rpc", "redis", "sql", "mqtt", "master", "sasl", "auth", "api", "app",
  "login", "account", "wifi", "vnc", "rcon", "web", "ftp", "sftp", "imap", "pop", "key", "store", "keystore", "truststore", "basic", "http", "s3", "b2", "nas", "require"]);
// `…Key` is a secret when qualified: privateKey, secretKey, apiKey, presharedKey.
const KEY_QUALIFIER = new Set([
  "private", "secret", "api", "encryption", "master", "shared", "preshared", "hmac", "session", "cookie",
  "license", "auth", "app", "client", "jwt", "webhook", "bot", "enc", "registration", "macaroon", "form", "rpc", "integration", "account",
  "des", "aes", "crypt", "crypto", "cipher", "hmac", "signing-secret",
]);
const KEY_NAMES = new Set(["privatekey", "secretkey", "apikey", "presharedkey", "authkey", "psk", "masterkey", "sessionkey", "encryptionkey"]);

/**
 * Whether an option, variable or environment name names a secret value
 * (`password`, `clientSecret`, `DB_PASS`, `SECRET_KEY_BASE`), as opposed to a
 * file, command or flag about one (`passwordFile`, `passwordCommand`,
 * `PasswordAuthentication`, `tokenLifetime`).
 */
export function isSecretName(name: string): boolean {
  // Most names fail the hint: one native regex test, cheaper than the memo's
  // lookup and insertion (a name is mostly seen first here).
  if (!SECRET_HINT.test(name)) return false;
  let r = secretNameMemo.get(name);
  if (r === undefined) {
    r = secretName(name);
    if (secretNameMemo.size < 20000) secretNameMemo.set(memoKey(name), r);
  }
  return r;
}
const secretNameMemo = new Map<string, boolean>();

// Every name secretName accepts contains one of these (case-insensitive): one
// regex test rejects most names (enable, package, settings) before the split.
const SECRET_HINT = /pass|pw|secret|token|key|psk|salt|pepper/i;

/** Called only with names that pass SECRET_HINT. */
function secretName(name: string): boolean {
  const w = words(name);
  if (w.length === 0) return false;
  if (FLAG_PREFIX.has(w[0]!) && w.length > 1) return false;
  const last = w[w.length - 1]!;
  const prev = w.length > 1 ? w[w.length - 2]! : "";
  if (SECRET_WORD.test(last) || PASS_WORD.test(last)) return true;
  if ((last === "pass" || last === "pwd") && (w.length === 1 || PASS_QUALIFIER.has(prev))) return true;
  if (KEY_NAMES.has(last)) return true;
  if (last === "key") return KEY_QUALIFIER.has(prev) || w.includes("secret") || w.includes("private");
  // secretKeyBase (rails), SECRET_KEY_BASE
  if (last === "base" && prev === "key" && w.includes("secret")) return true;
  if (last === "salt" || last === "pepper") return true;
  if (last === "seed" && w.includes("key")) return true; // LLDAP_KEY_SEED
  return false;
}

const BOOLISH = /^(?:true|false|yes|no|on|off|null|none|nil|auto|required|optional|disabled?|enabled?|[0-9]+(?:\.[0-9]+)?[a-z]{0,3})$/i;
const PUBLIC_KEY = /^(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) AAAA/;
const AGE_RECIPIENT = /^age1[0-9a-z]{20,}$/;
const PUBLIC_PEM = /^-----BEGIN (?:CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|PGP PUBLIC KEY BLOCK|SSH2 PUBLIC KEY|X509 CRL|CERTIFICATE REQUEST|NEW CERTIFICATE REQUEST|DH PARAMETERS)-----/;
const SRI_HASH = /^(?:sha1|sha256|sha384|sha512|md5)[-:][A-Za-z0-9+/]{16,}={0,2}$/;
const RUNTIME_PREFIX = /^(?:\$|%[a-zA-Z{(]|\{\{|<%|ext:|env:|file:|vault:|secret:\/\/|op:\/\/|ENC\[|!)/;
const WHOLE_PLACEHOLDER = /^(?:(?:@[A-Za-z0-9_.-]+@)|(?:<[^<>\n]+>)|\*+|x+|\.\.\.|…)$/;
const ABS_PATH = /^(?:\/|~\/|\.\.?\/)[^\s'"]*$/;
const IPV6_TOKEN = /^(?:static:|prefixstable|eui64|::)/;

/**
 * Why a candidate secret value is clearly not one, or null when it may be.
 * `value` is already decoded; interpolations of unknown values appear as `${…}`.
 */
export function notASecret(value: string): string | null {
  const v = value.trim();
  if (v.length === 0) return "empty";
  if (v.length < 3) return "too short";
  if (BOOLISH.test(v)) return "a setting";
  if (RUNTIME_PREFIX.test(v)) return "read or substituted at run time";
  if (WHOLE_PLACEHOLDER.test(v)) return "a placeholder";
  if (/^(?:@[A-Za-z0-9_.-]+@\s*)+$/.test(v)) return "a placeholder";
  if (ABS_PATH.test(v)) return "a path";
  if (PUBLIC_KEY.test(v) || AGE_RECIPIENT.test(v) || PUBLIC_PEM.test(v)) return "a public key";
  if (SRI_HASH.test(v)) return "a content hash";
  if (IPV6_TOKEN.test(v)) return "an IPv6 token";
  return null;
}

/** Names that hold a secret only sometimes (`key`, `auth`): they count with a value that looks generated. */
export const GENERIC_NAME = new Set(["key", "auth", "credential", "credentials"]);

/** Long, no spaces, upper and lower case and digits: a generated key or token rather than a word or an id. */
export function looksGenerated(v: string): boolean {
  return v.length >= 16 && !/\s/.test(v) && /[A-Z]/.test(v) && /[a-z]/.test(v) && /[0-9]/.test(v);
}

/** A crypt(3) hash as written in `hashedPassword` (yescrypt, sha-512, sha-256, bcrypt, md5). */
export const CRYPT_HASH = /^\$(?:y|gy|7|6|5|2[abxy]?|1|md5|sha1)\$[./A-Za-z0-9$=,+-]{8,}$/;

/** Values that lock or disable a password rather than set one. */
export function isLockedHash(v: string): boolean {
  return /^(?:!.*|\*.*|)$/.test(v.trim());
}

/** Secret-sounding file names: the basename or a directory says so. */
export function isSecretPathText(p: string): boolean {
  const lower = p.toLowerCase();
  if (/\.(?:nix|pub|crt|cert|md|age|gpg|asc|pgp)$/.test(lower)) return false;
  if (/(?:^|[/._-])(?:secrets?|passw(?:or)?ds?|passwd|credentials?|creds|tokens?|psk|htpasswd|private|keys?)(?:$|[/._-])/.test(lower)) return true;
  return /(?:password|passwd|secret|token|apikey|api-key|privkey|private-key|id_rsa|id_ed25519|id_ecdsa|\.key|\.env|\.pem|\.p12|\.pfx|keyfile|\.txt)$/.test(lower) && /(?:pass|secret|token|key|env|cred|priv|id_)/.test(lower);
}
