// Catalogue row 14: an age identity. It decrypts every secret encrypted to it.
import type { Rule } from "../rule.js";
import { fake } from "./fake.js";

/**
 * A key whose data repeats a short block (`AGE-SECRET-KEY-1QQQQ…`, the
 * all-zero key; a repeated byte) is a placeholder anyone can write down, not
 * a secret: 32 random bytes repeat a block of 8 characters 4 times with
 * probability about 2^-120.
 */
export const PLACEHOLDER_AGE_KEY = /^AGE-SECRET-KEY-(?:PQ-)?1(.{1,8}?)\1{4,}/i;

export const ageSecretKey: Rule = {
  id: "age-secret-key",
  severity: "high",
  title: "age secret key",
  description:
    "An age identity (AGE-SECRET-KEY-1…). Whoever reads it can decrypt every secret encrypted to its recipient; in a Nix string it ends up in the store.",
  hint: "rotate it: nixsec age keygen -o ~/.config/nixsec/keys/NEW.key, then nixsec admin set-key NAME --key age1… (re-encrypts every secret); keep identities outside the repository",
  catalogue: [14, 18],
  matcher: {
    on: "text",
    keywords: ["age-secret-key-"],
    pattern: /AGE-SECRET-KEY-(?:PQ-)?1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58,}/g,
    allow: [PLACEHOLDER_AGE_KEY],
  },
  examples: {
    leaks: [
      `{ pkgs, ... }: { sops.age.keyFile = "\${pkgs.writeText "k" "${fake.age("ex1")}"}"; }`,
      { path: "keys.txt", text: `# created: 2024-01-01\n# public key: age1xyz\n${fake.age("ex2")}\n` },
    ],
    safe: [
      `{ age.rekey.masterIdentities = [ "/home/alice/.config/age/keys.txt" ]; x = "AGE-SECRET-KEY-1…"; }`,
      `{ recipients = [ "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p" ]; }`,
      // placeholders in tests of key parsers: the all-zero key, a repeated byte
      { path: "test/keys.test.ts", text: `expect(parse("AGE-SECRET-KEY-1${"Q".repeat(58)}")).toThrow();\n` },
      { path: "test/props.ts", text: `const seeds = ["AGE-SECRET-KEY-1${"GFPYYSJZ".repeat(7)}GFPQ4EGAEX"];\n` },
    ],
  },
};
