// Plugins for the tests: the fake plugin written for the suite
// (test/plugins/fake-plugin.mjs), and Go age 1.3 with its own test plugins
// (age-plugin-tagtest, age-plugin-batchpass), fetched by
// scripts/fetch-go-age.mjs (scripts/test.sh runs it). Each test gets a bin
// directory of its own to put first on PATH; wrappers there count starts.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bech32 } from "@scure/base";
import { repoRoot } from "./tools.js";

export const goAgeDir = process.env.NIXSEC_GO_AGE13_DIR ?? path.join(repoRoot, ".work/go-age/root/usr/bin");
const GO_AGE_NEEDS = ["age", "age-plugin-tagtest", "age-plugin-batchpass"];

/** Whether Go age 1.3 and its test plugins are here; under CI=true their absence fails the suite. */
export function needGoAge13(): boolean {
  if (GO_AGE_NEEDS.every((b) => existsSync(path.join(goAgeDir, b)))) return true;
  if (process.env.CI === "true") throw new Error(`CI=true but Go age 1.3 is not in ${goAgeDir} (scripts/test.sh fetches it: node scripts/fetch-go-age.mjs)`);
  return false;
}

/** age-plugin-tagtest's fixed classic recipient (Go age, tag/internal/age-plugin-tagtest). */
export const TAGTEST_RECIPIENT = "age1tag1qwe0kafsjrar4txm6heqnhpfuggzr0gvznz7fvygxrlq90u5mq2pysxtw6h";

const fakeScript = path.join(repoRoot, "test/plugins/fake-plugin.mjs");

export interface PluginBin {
  dir: string;
  /** PATH with this directory first. */
  path: string;
  /** The file wrappers log their starts to (one line each). */
  log: string;
  starts(): string[];
}

/** A fresh bin directory holding age-plugin-fake, and counting wrappers for `wrapped` Go plugins. */
export function pluginBin(wrapped: string[] = []): PluginBin {
  const dir = mkdtempSync(path.join(tmpdir(), "nixsec-plugins-"));
  const log = path.join(dir, "starts.log");
  writeFileSync(log, "");
  const script = (name: string, body: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
  };
  script("age-plugin-fake", `exec "${process.execPath}" "${fakeScript}" "$@"`);
  for (const name of wrapped) script(`age-plugin-${name}`, `echo "${name} $*" >> "${log}"\nexec "${path.join(goAgeDir, `age-plugin-${name}`)}" "$@"`);
  return {
    dir,
    path: `${dir}:${goAgeDir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    log,
    starts: () => readFileSync(log, "utf8").split("\n").filter(Boolean),
  };
}

/** A fake plugin key (32 random bytes) and its recipient and identity strings. */
export function fakeKey(): { key: Uint8Array; recipient: string; identity: string } {
  const key = new Uint8Array(randomBytes(32));
  return {
    key,
    recipient: bech32.encode("age1fake", bech32.toWords(key), false),
    identity: bech32.encode("age-plugin-fake-", bech32.toWords(key), false).toUpperCase(),
  };
}
