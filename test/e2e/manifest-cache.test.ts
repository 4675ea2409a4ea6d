// The validated-manifest cache (src/manifest/cache.ts), through the built CLI:
// used only for the exact bytes and build that wrote it, never for an invalid
// manifest, private (0700/0600), value-free, bounded, and off with
// NIXSEC_NO_CACHE=1.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempRepo, type TempRepo } from "../helpers/repo.js";

const CANARY = "cache-canary-value-5b1f0e";

describe("manifest cache", () => {
  let r: TempRepo;
  let cacheDir: string;
  const entries = (): string[] => (existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.endsWith(".json")) : []);
  /** The entry written for the manifest as it is now. */
  const current = (): string => {
    const sha = createHash("sha256").update(r.read("nixsec.yaml")).digest("hex");
    const hit = entries().map((f) => path.join(cacheDir, f)).find((f) => JSON.parse(readFileSync(f, "utf8")).sha256 === sha);
    expect(hit, "an entry for the current manifest").toBeDefined();
    return hit!;
  };
  const names = async (env: Record<string, string> = {}): Promise<string[]> => {
    const out = await r.nixsec(["list", "--json"], { env });
    expect(out.code, out.stderr).toBe(0);
    return (JSON.parse(out.stdout.toString("utf8")) as { name: string }[]).map((s) => s.name);
  };

  beforeAll(async () => {
    r = tempRepo("nixsec-cache-");
    cacheDir = path.join(r.home, ".cache", "nixsec", "manifests");
    expect((await r.nixsec(["init"])).code).toBe(0);
    expect((await r.nixsec(["add", "app/token", "--stdin"], { input: CANARY })).code).toBe(0);
  });
  afterAll(() => r.cleanup());

  it("stores a validated manifest privately and without values", async () => {
    expect(await names()).toEqual(["app/token"]);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    for (const f of entries()) {
      expect(statSync(path.join(cacheDir, f)).mode & 0o777).toBe(0o600);
      expect(readFileSync(path.join(cacheDir, f), "utf8")).not.toContain(CANARY);
    }
    expect(JSON.parse(readFileSync(current(), "utf8")).data.secrets["app/token"]).toBeDefined();
  });

  it("is read for the same bytes, and not for other bytes", async () => {
    const file = current();
    const entry = JSON.parse(readFileSync(file, "utf8"));
    // Plant a different secret list for the same bytes: the CLI trusts it, so the cache is read.
    entry.data.secrets = { "planted/by-test": entry.data.secrets["app/token"] };
    writeFileSync(file, JSON.stringify(entry));
    expect(await names()).toEqual(["planted/by-test"]);
    // A changed manifest (one comment more) is parsed again and gets its own entry.
    writeFileSync(r.file("nixsec.yaml"), r.read("nixsec.yaml") + "# edited\n");
    expect(await names()).toEqual(["app/token"]);
    expect(current()).not.toBe(file);
  });

  it("keeps only the newest entries", async () => {
    const base = r.read("nixsec.yaml");
    for (let i = 0; i < 20; i++) {
      writeFileSync(r.file("nixsec.yaml"), `${base}# version ${i}\n`);
      expect(await names()).toEqual(["app/token"]);
    }
    expect(entries().length).toBeLessThanOrEqual(16);
    current(); // the newest is among them
    writeFileSync(r.file("nixsec.yaml"), base);
    expect(await names()).toEqual(["app/token"]);
  });

  it("is never used by another build", async () => {
    const file = current();
    const entry = JSON.parse(readFileSync(file, "utf8"));
    entry.build = "another-build";
    entry.data.secrets = { "planted/by-test": entry.data.secrets["app/token"] };
    writeFileSync(file, JSON.stringify(entry));
    expect(await names()).toEqual(["app/token"]);
  });

  it("never holds an invalid manifest, whose errors are reported as always", async () => {
    const good = r.read("nixsec.yaml");
    const before = entries().sort();
    writeFileSync(r.file("nixsec.yaml"), good.replace("secrets:", "secrets:\n  Bad Name:\n    hosts: [nowhere]"));
    const out = await r.nixsec(["list"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("nixsec.yaml");
    expect(entries().sort()).toEqual(before);
    writeFileSync(r.file("nixsec.yaml"), good);
  });

  it("is off with NIXSEC_NO_CACHE=1 and follows NIXSEC_CACHE_DIR", async () => {
    const other = path.join(r.root, "other-cache");
    expect(await names({ NIXSEC_NO_CACHE: "1", NIXSEC_CACHE_DIR: other })).toEqual(["app/token"]);
    expect(existsSync(other)).toBe(false);
    expect(await names({ NIXSEC_CACHE_DIR: other })).toEqual(["app/token"]);
    expect(readdirSync(other).filter((f) => f.endsWith(".json"))).toHaveLength(1);
  });
});
