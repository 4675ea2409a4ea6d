// Which literal values are secrets. A name that sounds secret (words.ts) is
// not enough (issue 15): under `access_token` the value "1 hour" is a
// lifespan, under `rbwEntries."x-api-key"` the value "x-api-key" names an
// entry, `apiKey = "unused"` is a dummy. `notASecret` says why a value is
// clearly none; `valueConfidence` grades the rest for the generic rules.
//
// Policy for weak-but-real values: `changeme`, `password`, `nixos`, `toor` ARE
// reported under password-like names. Once deployed they are the live
// credential, published in git and the store (research/audit.md §3.1 found
// exactly these). Only syntax a tool replaces at run time, runtime paths,
// settings (durations, sizes, booleans), public material and documentation
// placeholders are exempt, and names of what the service reads at run time
// (`AZURE_API_KEY`). One shouted word (`ADGUARDPASS`, `CHANGEME`) is either a
// marker a script replaces or a weak live password: reported, at low.
import { words } from "./words.js";

const BOOLISH = /^(?:true|false|yes|no|on|off|null|none|nil|auto|required|optional|disabled?|enabled?|always|never|default|strict|lax|allow|deny|[0-9]+(?:\.[0-9]+)?[a-z]{0,3})$/i;
// durations as settings write them: "1 hour", "3 months", "24h", "1h30m", "PT1H", "5 min"
const DURATION = /^(?:(?:\d+(?:\.\d+)?\s*(?:ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|mo|months?|y|yrs?|years?)\s*)+|P(?:\d+[YMWD])*(?:T(?:\d+[HMS])+)?)$/i;
// sizes and rates: "10MB", "100 KiB", "50%"
const SIZE = /^\d+(?:\.\d+)?\s*(?:[kmgtp]i?b?|bytes?|%|kbps|mbps)$/i;
const PUBLIC_KEY = /^(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) AAAA/;
const AGE_RECIPIENT = /^age1[0-9a-z]{20,}$/;
const PUBLIC_PEM = /^-----BEGIN (?:CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|PGP PUBLIC KEY BLOCK|SSH2 PUBLIC KEY|X509 CRL|CERTIFICATE REQUEST|NEW CERTIFICATE REQUEST|DH PARAMETERS)-----/;
// A Nix binary-cache public key (`cache.example.org-1:` + 32 bytes of base64); the secret half is 64 bytes.
const NIX_PUBLIC_KEY = /^[A-Za-z0-9._-]+:[A-Za-z0-9+/]{43}=?$/;
// Client tokens that are public by design: Mapbox public tokens, Stripe publishable keys, Google/Firebase browser API keys.
const PUBLIC_CLIENT_TOKEN = /^(?:pk\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+|pk_(?:live|test)_[A-Za-z0-9]{10,}|AIza[0-9A-Za-z_-]{35})$/;
const SRI_HASH = /^(?:sha1|sha256|sha384|sha512|md5)[-:][A-Za-z0-9+/]{16,}={0,2}$/;
// `$X`, `${X}`, `%X%`, templates, resolvers; litellm's `os.environ/NAME` reads the environment
const RUNTIME_PREFIX = /^(?:\$|%[a-zA-Z{(]|\{\{|<%|ext:|env:|file:|vault:|secret:\/\/|op:\/\/|ENC\[|!|os\.environ\/)/;
// Markers a script or the service replaces at run time: `@NAME@` (substituteAll), `{NAME}` (Frigate's
// `{FRIGATE_…}`), `__NAME__` (a preStart's sed), `<your password>`, `***`.
const WHOLE_PLACEHOLDER = /^(?:(?:@[A-Za-z0-9_.-]+@)|(?:<[^<>\n]+>)|\{[A-Z][A-Z0-9_]*\}|__[A-Z][A-Z0-9_]*__|\*+|x+|X+|\.\.\.|…|#+)$/;
// The name of an environment variable (`AZURE_API_KEY`, `S3_SECRET_KEY`): upper-case words joined by `_`,
// each letters with at most a short run of digits. Programs name things this way, people and key
// generators do not: a generated token mixes case or interleaves digits (`Q7XK_P2ZM`), and an
// upper-case token format has no `_` (`AKIA…`).
const ENV_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
const ENV_WORD = /^(?:[A-Z]{1,20}[0-9]{0,3}|[0-9][A-Z]{1,20})$/;
// A DKIM record publishes only the public key (RFC 6376, 3.6.1: `v=DKIM1; k=rsa; p=…`).
const DKIM_RECORD = /^v=DKIM1\s*(?:;|$)/;
// Dummy words and fill-me-in markers (not `changeme`: see the policy above).
const DUMMY = /^(?:unused|not[-_ ]?used|dummy|placeholder|example|sample|redacted|hidden|notset|unset|tbd|todo|fixme|none|null|undefined|n\/a|(?:replace|insert|fill|enter)[-_ ]?[\w-]*|your[-_ ][\w-]+|my[-_ ](?:api[-_ ]?key|token|password|secret)|(?:example|sample|dummy|fake)[-_][\w-]+|[\w-]*[-_](?:example|placeholder|dummy))$/i;
const ABS_PATH = /^(?:\/|~\/|\.\.?\/)[^\s'"]*$/;
const PUBLIC_FILE = /^[\w./-]*\.(?:pub|crt|cert|asc|gpg|age)$/i;
const IPV6_TOKEN = /^(?:static:|prefixstable|eui64|::)/;
const URL_NO_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/(?:[^\s:@/]+@)?[^\s@]*$/i;
// Published defaults: values that are secret in name only, because upstream
// ships them to everyone. Grafana's `security.secret_key` default (defaults.ini).
const KNOWN_PUBLIC = new Set(["SW2YcwTIb9zpOOhoPsMm"]);

/**
 * Why a candidate secret value is clearly not one, or null when it may be.
 * `value` is already decoded; interpolations of unknown values appear as `${…}`.
 */
export function notASecret(value: string): string | null {
  const v = value.trim();
  if (v.length === 0) return "empty";
  if (v.length < 3) return "too short";
  if (BOOLISH.test(v)) return "a setting";
  if (DURATION.test(v) || SIZE.test(v)) return "a setting";
  if (RUNTIME_PREFIX.test(v)) return "read or substituted at run time";
  if (WHOLE_PLACEHOLDER.test(v)) return "a placeholder";
  if (/^(?:@[A-Za-z0-9_.-]+@\s*)+$/.test(v)) return "a placeholder";
  if (DUMMY.test(v)) return "a placeholder";
  if (isEnvironmentName(v)) return "the name of an environment variable";
  if (ABS_PATH.test(v) || PUBLIC_FILE.test(v)) return "a path";
  if (PUBLIC_KEY.test(v) || AGE_RECIPIENT.test(v) || PUBLIC_PEM.test(v) || NIX_PUBLIC_KEY.test(v)) return "a public key";
  if (DKIM_RECORD.test(v) || isPublicKeyDer(v)) return "a public key";
  if (PUBLIC_CLIENT_TOKEN.test(v)) return "a public client token";
  if (KNOWN_PUBLIC.has(v)) return "a published default";
  if (SRI_HASH.test(v)) return "a content hash";
  if (IPV6_TOKEN.test(v)) return "an IPv6 token";
  if (URL_NO_PASSWORD.test(v)) return "a URL";
  return null;
}

/** `AZURE_API_KEY`: the name of a value supplied at run time (see ENV_NAME). */
export function isEnvironmentName(v: string): boolean {
  return v.length <= 64 && ENV_NAME.test(v) && v.split("_").every((w) => ENV_WORD.test(w));
}

/**
 * Base64 DER of a SubjectPublicKeyInfo (RFC 5280, 4.1: SEQUENCE { SEQUENCE
 * algorithm, BIT STRING key }), the `p=` of a DKIM record or a bare PEM body
 * (`MIIBIjANBg…`, `MCowBQYDK2Vw…`). A private key never has this shape: PKCS#8
 * and PKCS#1 start with an INTEGER version after the outer SEQUENCE.
 */
export function isPublicKeyDer(v: string): boolean {
  if (v.length < 40 || !/^M[A-Za-z0-9+/]+={0,2}$/.test(v)) return false;
  const b = Buffer.from(v.slice(0, 64), "base64");
  let i = 0;
  const len = (): number => {
    const first = b[i++] ?? 0;
    if (first < 0x80) return first;
    let n = 0;
    for (let k = first & 0x7f; k > 0; k--) n = n * 256 + (b[i++] ?? 0);
    return n;
  };
  if (b[i++] !== 0x30) return false; // SubjectPublicKeyInfo
  len();
  if (b[i++] !== 0x30) return false; // AlgorithmIdentifier
  const algorithm = len(); // read before the skip: `i += len()` would add to the old `i`
  i += algorithm;
  return b[i] === 0x03; // subjectPublicKey BIT STRING
}

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

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, "");
const SECRET_TAIL = new Set(["token", "password", "passwd", "pass", "key", "secret", "apikey", "psk", "credential", "credentials", "creds", "pw", "pwd", "passphrase", "auth"]);

/**
 * A value that reads like the name of a secret rather than the secret: words
 * joined by `-`/`_`/`.`, all lower case, the last one a secret word
 * (`restic-core-terra-token`, `gmaps-api-key`, `db_password`).
 */
export function readsLikeSecretName(v: string): boolean {
  if (!/^[a-z0-9]+(?:[-_.][a-z0-9]+)+$/.test(v)) return false;
  const w = v.split(/[-_.]/);
  return SECRET_TAIL.has(w[w.length - 1]!) || SECRET_TAIL.has(w[0]!);
}

/** `passwordSecret`, `token_secret`: a secret word, then `secret`: the option names a secret of sops-nix or agenix. */
function namesASecret(name: string): boolean {
  const w = words(name);
  return w.length > 1 && w[w.length - 1] === "secret";
}

/** How a name's words say which kind of secret it holds. */
export function isPasswordName(name: string): boolean {
  return words(name).some((w) => /pass|pw|pwd|psk/.test(w));
}

/**
 * How sure a literal under a secret-sounding name is a secret: "high", "low"
 * (it reads like the name of a secret), or null (it is not one: a setting, a
 * placeholder, a name-to-name map, prose or a short word under a token name). `name` is the option or variable; `names` the attribute
 * names of the file, for name-to-name maps (`rbwEntries."a" = "b"` where `b`
 * is an attribute name too).
 */
export function valueConfidence(value: string, name: string, names?: ReadonlySet<string>): "high" | "low" | null {
  const v = value.trim();
  if (notASecret(v) !== null) return null;
  if (v.includes("\n")) return null; // a document, not a value
  // One shouted word (`ADGUARDPASS`) is mostly a marker that a preStart replaces in the
  // rendered file, which may live in another file; a weak real one (`CHANGEME`) is the live
  // credential, so low, not nothing. Up to 15 letters: base32 keys come in 16 and 32.
  if (/^[A-Z]{3,15}$/.test(v)) return isPasswordName(name) || v.length >= 8 ? "low" : null;
  // A password may be any word, the user's name included: it is the live one. An option named
  // `…Secret` (`passwordSecret`) takes the name of a secret, checked below like `secret` itself.
  if (isPasswordName(name) && !namesASecret(name)) return "high";
  // Tokens, keys, secrets: a value equal to its own key or to an attribute
  // name is a name-to-name map; one that reads like a secret's name refers to it.
  if (norm(v) === norm(name) || (names !== undefined && names.has(v))) return null;
  if (readsLikeSecretName(v)) return "low";
  if (/^[a-z0-9._-]+(?:\/[a-z0-9._-]+)+$/.test(v)) return null; // a relative path or a name with parts (`db/password`, `s/vhost`): a reference
  if (isPasswordName(name)) return "high"; // `passwordSecret` given a value that names nothing
  // tokens, keys, secrets: generated, or at least mixed characters of some length
  if (looksGenerated(v)) return "high";
  if (v.length >= 12 && !/\s/.test(v) && /[0-9]/.test(v) && /[a-z]/i.test(v)) return "high";
  if (v.length >= 20 && /^[A-Za-z0-9+/=_-]+$/.test(v)) return "high";
  if (/[\s;|&$(){}<>`"']/.test(v)) return null; // prose or code, not a token
  if (/^[A-Za-z]+$/.test(v) && v.length < 8) return null; // a word (`secret: could …`)
  return "high"; // a made-up join token is a token (`k3s.token = "cluster-join-blind"`)
}
