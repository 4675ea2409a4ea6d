// Fake credentials for the rules' examples and the test corpus, built at run
// time so that no token-shaped literal is ever committed (push protection,
// other scanners and nixsec's own self-audit stay quiet). Deterministic: the
// same seed gives the same value. None of these has ever been a real key.
import { fingerprintHash } from "../hash.js";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const HEX = "0123456789abcdef";
const B64 = ALNUM + "+/";
const B64URL = ALNUM + "-_";
const BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";

/** `n` characters of `alphabet` from a PRNG seeded by `seed`. */
export function fakeChars(seed: string, n: number, alphabet = ALNUM): string {
  let x = parseInt(fingerprintHash(seed).slice(0, 8), 16) || 1;
  let out = "";
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

const j = (...parts: string[]): string => parts.join("");

/** One generator per token family; `seed` varies the value. */
export const fake = {
  github: (seed = "gh") => j("gh", "p_", fakeChars(seed, 36)),
  githubFine: (seed = "ghf") => j("github", "_pat_", fakeChars(seed, 22), "_", fakeChars(seed + "2", 59)),
  gitlab: (seed = "gl") => j("gl", "pat-", fakeChars(seed, 20)),
  awsKeyId: (seed = "aws") => j("AK", "IA", fakeChars(seed, 16, UPPER32)),
  awsSecret: (seed = "awss") => fakeChars(seed, 40, B64),
  slack: (seed = "sl") => j("xo", "xb-", fakeChars(seed, 11, HEX.slice(0, 10)), "-", fakeChars(seed + "2", 12, HEX.slice(0, 10)), "-", fakeChars(seed + "3", 24)),
  slackWebhook: (seed = "slw") => j("https://hooks.", "slack.com/services/T", fakeChars(seed, 8, UPPER32), "/B", fakeChars(seed + "2", 8, UPPER32), "/", fakeChars(seed + "3", 24)),
  stripe: (seed = "st") => j("sk", "_live_", fakeChars(seed, 24)),
  age: (seed = "age") => j("AGE-", "SECRET-KEY-1", fakeChars(seed, 58, BECH32)),
  tailscale: (seed = "ts") => j("tskey", "-auth-", fakeChars(seed, 12), "-", fakeChars(seed + "2", 30)),
  k3s: (seed = "k3s") => j("K1", "0", fakeChars(seed, 64, HEX), "::server:", fakeChars(seed + "2", 32, HEX)),
  discordWebhook: (seed = "dw") => j("https://discord.com/api/", "webhooks/", fakeChars(seed, 18, "0123456789"), "/", fakeChars(seed + "2", 68, B64URL)),
  telegramBot: (seed = "tg") => j(fakeChars(seed, 10, "0123456789"), ":AA", fakeChars(seed + "2", 33, B64URL)),
  jwt: (seed = "jwt") => j("ey", "JhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", "ey", "J", fakeChars(seed, 40, B64URL), ".", fakeChars(seed + "2", 43, B64URL)),
  /** A PEM/OpenSSH private key block (`OPENSSH`, `RSA`, `EC`, `` for PKCS#8, `ENCRYPTED`). */
  pem: (kind = "OPENSSH", seed = "pem", indent = "") => {
    const label = `${kind ? kind + " " : ""}PRIVATE KEY`;
    const body = fakeChars(seed, 280, B64).match(/.{1,70}/g)!.map((l) => indent + l).join("\n");
    return j("-----BEGIN ", label, "-----\n", body, "\n", indent, "-----END ", label, "-----");
  },
  /** A WireGuard private key: 32 bytes in base64 (44 characters ending in `=`). */
  wireguard: (seed = "wg") => fakeChars(seed, 43, B64).slice(0, 42) + "A=",
  /** A crypt(3) SHA-512 hash. */
  sha512crypt: (seed = "h6") => j("$6", "$", fakeChars(seed, 16, ALNUM + "./"), "$", fakeChars(seed + "2", 86, ALNUM + "./")),
  /** A yescrypt hash as mkpasswd writes it. */
  yescrypt: (seed = "hy") => j("$y", "$j9T$", fakeChars(seed, 22, ALNUM + "./"), "$", fakeChars(seed + "2", 43, ALNUM + "./")),
};

export type FakeKind = keyof typeof fake;
