// The vocabulary shared by the rules: which names name a secret (option,
// variable and flag names) and which file names sound like one. Which values
// are secrets is values.ts. Keeping these in one place keeps the rules
// consistent and the false-positive policy reviewable.

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
const SECRET_WORD = /^(?:[a-z]*?)(password|passwd|passphrase|secret|token|apikey|psk|bearer)$/;
const PASS_WORD = /^(?:(?:admin|db|root|user|smtp|mail|ldap|bind|rpc|redis|sql|pg|mqtt|master|sasl|auth|require)(?:pass|pw|pwd))$/;
// `pass` / `pwd` alone are secret after these words (DB_PASS, smtp_pass), not after others (proxyPass, cwd).
const PASS_QUALIFIER = new Set(["db", "admin", "root", "user", "smtp", "mail", "ldap", "bind", "rpc", "redis", "sql", "mysql", "pg", "mqtt", "master", "sasl", "auth", "api", "app",
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
const SECRET_HINT = /pass|pw|secret|token|key|psk|salt|pepper|hash|bearer/i;

/** Called only with names that pass SECRET_HINT. */
function secretName(name: string): boolean {
  const w = words(name);
  if (w.length === 0) return false;
  if (FLAG_PREFIX.has(w[0]!) && w.length > 1) return false;
  const last = w[w.length - 1]!;
  if (/^no(?:pass(?:wd|word)?|pw)$/.test(last)) return false; // sudoers NOPASSWD, mysql nopassword: a setting
  const prev = w.length > 1 ? w[w.length - 2]! : "";
  if (SECRET_WORD.test(last) || PASS_WORD.test(last)) return true;
  if ((last === "pass" || last === "pwd" || last === "pw") && (w.length === 1 || PASS_QUALIFIER.has(prev))) return true;
  if (last === "hash" && (prev === "api" || prev === "app")) return true; // Telegram's api_hash: the app secret
  if (KEY_NAMES.has(last)) return true;
  if (last === "key") return KEY_QUALIFIER.has(prev) || w.includes("secret") || w.includes("private");
  // secretKeyBase (rails), SECRET_KEY_BASE
  if (last === "base" && prev === "key" && w.includes("secret")) return true;
  if (last === "salt" || last === "pepper") return true;
  if (last === "seed" && w.includes("key")) return true; // LLDAP_KEY_SEED
  return false;
}

/** Names that hold a secret only sometimes (`key`, `auth`): they count with a value that looks generated. */
export const GENERIC_NAME = new Set(["key", "auth", "credential", "credentials"]);

/** Secret-sounding file names: the basename or a directory says so (public-key material never does). */
export function isSecretPathText(p: string): boolean {
  const lower = p.toLowerCase();
  if (/\.(?:nix|pub|crt|cert|md|age|gpg|asc|pgp|sh|bash|py|rb|pl|js|ts|lua)$/.test(lower)) return false; // public material, encrypted files, code
  if (/authorized|known_hosts|public|pubkey/.test(lower)) return false;
  if (/(?:^|[/._-])(?:secrets?|passw(?:or)?ds?|passwd|passphrases?|credentials?|creds|tokens?|psk|htpasswd|private|keys?|vault)(?:$|[/._-])/.test(lower)) return true;
  if (/\.(?:pwd|pass|passwd|password|secret|token|psk|key)$|[-_](?:ssh|sshkey|ssh_key|privkey)$/.test(lower)) return true;
  return /(?:password|passwd|passphrase|secret|token|apikey|api-key|privkey|private-key|id_rsa|id_ed25519|id_ecdsa|\.key|\.env|\.pem|\.p12|\.pfx|keyfile|\.txt)$/.test(lower) && /(?:pass|secret|token|key|env|cred|priv|id_)/.test(lower);
}

// Options that take the path of a secret file: `passwordFile`, `environmentFile`, `keyFile`, `sslCertificateKey`, `LoadCredential`.
const STEM = new Set(["password", "passwd", "pass", "passphrase", "secret", "secrets", "token", "credential", "credentials", "creds", "key", "keys", "psk",
  "env", "environment", "auth", "htpasswd", "identity", "private", "cookie", "salt", "seed", "otp", "hmac", "jwt", "oauth", "api", "apikey", "dotenv", "netrc", "pw"]);
const PUBLIC = new Set(["public", "pub", "authorized", "known", "trusted", "ca", "config", "conf"]);

const memo = new Map<string, boolean>();

// Every name secretFileOption accepts ends with one of these (case-insensitive):
// most names are rejected by this one test, without the memo's lookup and insertion.
const HINT = /(?:files?|paths?|key|keytab|Credential|Encrypted)$/i;

/** `passwordFile`, `environmentFile`, `keyFile`, `sslCertificateKey`, `EnvironmentFile`, `LoadCredential`. */
export function isSecretFileOption(name: string): boolean {
  if (!HINT.test(name)) return false;
  let r = memo.get(name);
  if (r === undefined) {
    r = secretFileOption(name);
    if (memo.size < 20000) memo.set(memoKey(name), r);
  }
  return r;
}

function secretFileOption(name: string): boolean {
  if (name === "LoadCredential" || name === "LoadCredentialEncrypted" || /^keytab(?:File)?$/i.test(name)) return true;
  // the last word must be file(s), path(s) or key: one test before the split
  if (!/(?:files?|paths?|key)$/i.test(name)) return false;
  const w = words(name);
  const last = w[w.length - 1];
  if (w.some((x) => PUBLIC.has(x))) return false;
  // a stem word, or one ending in a stem (`adminpassFile`, `rootpwFile`)
  if (last === "file" || last === "files" || last === "path" || last === "paths") return w.slice(0, -1).some((x) => STEM.has(x) || /(?:pass|passwd|password|secret|token|psk|cred|pw)$/.test(x));
  if (last === "key") return w.length > 1 && ["certificate", "tls", "ssl", "private", "secret", "host", "signing"].includes(w[w.length - 2]!);
  return false;
}
