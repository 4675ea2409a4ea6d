// Planning is a pure function of (manifest readers, lock entry, file facts):
// a table of cases, one per reason, plus the header scan against the strict
// parser on real files.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { encryptBytes, generateAgeKey, parseRecipient } from "../../src/crypto/index.js";
import type { LockEntry, ReaderKeys } from "../../src/store/lock.js";
import type { HeaderSummary } from "../../src/store/format.js";
import { ageFormat, headerFits, scanHeader, summarizeHeader } from "../../src/store/format-age.js";
import { sopsFormat } from "../../src/store/format-sops.js";
import { planRekey, type RetiredState, type SecretState } from "../../src/store/rekey.js";
import { interopDir } from "../helpers/tools.js";

function sshId(seed: string): string {
  return "ssh-ed25519 SHA256:" + createHash("sha256").update(seed).digest("base64").replace(/=+$/, "");
}
function tagOf(id: string): string {
  return Buffer.from(id.split("SHA256:")[1]!, "base64").subarray(0, 4).toString("base64").replace(/=+$/, "");
}
const ADMIN = "age1admin";
const ADMIN2 = "age1admin2";
const H1 = sshId("h1");
const H1_NEW = sshId("h1-reinstalled");
const H2 = sshId("h2");
const SHA = "1".repeat(64);
const OTHER_SHA = "2".repeat(64);

function header(ids: string[], extra: Partial<HeaderSummary> = {}): HeaderSummary {
  const ssh = ids.filter((i) => i.startsWith("ssh-")).map((i) => `ssh-ed25519 ${tagOf(i)}`).sort();
  return { ssh, x25519: ids.filter((i) => i.startsWith("age1")).length, other: [], armored: false, ...extra };
}
function readers(admins: Record<string, string>, hosts: Record<string, string>): ReaderKeys {
  return { admins, hosts };
}
function state(desired: ReaderKeys, opts: { written?: ReaderKeys | null; lock?: ReaderKeys | null; sha?: string; header?: HeaderSummary | null; missing?: boolean; valueChanged?: string } = {}): SecretState {
  const written = opts.written === undefined ? desired : opts.written;
  const ids = written ? [...Object.values(written.admins), ...Object.values(written.hosts)] : [];
  const s: SecretState = { secret: "svc/key", format: ageFormat, desired };
  if (!opts.missing) s.file = { sha256: SHA, header: opts.header === undefined ? header(ids) : opts.header, bytes: new Uint8Array(0) };
  const lock = opts.lock === undefined ? written : opts.lock;
  if (lock) {
    const e: LockEntry = { secret: "svc/key", sha256: opts.sha ?? SHA, ...lock };
    if (opts.valueChanged) e.valueChanged = opts.valueChanged;
    s.lock = e;
  }
  return s;
}

const base = readers({ alice: ADMIN }, { h1: H1 });

describe("planRekey", () => {
  it.each<[string, SecretState, { reasons?: string[]; lost?: string[]; replaced?: string[]; lockOnly?: string; unchanged?: boolean; missing?: boolean }]>([
    ["readers unchanged", state(base), { unchanged: true }],
    ["a host added", state(readers({ alice: ADMIN }, { h1: H1, h2: H2 }), { written: base }), { reasons: ["host-added h2"], lost: [] }],
    ["a host removed", state(readers({ alice: ADMIN }, {}), { written: base }), { reasons: ["host-removed h1"], lost: ["host h1"] }],
    ["a host re-keyed", state(readers({ alice: ADMIN }, { h1: H1_NEW }), { written: base }), { reasons: ["host-rekeyed h1"], lost: [], replaced: ["old key of host h1"] }],
    ["an admin added", state(readers({ alice: ADMIN, bob: ADMIN2 }, { h1: H1 }), { written: base }), { reasons: ["admin-added bob"] }],
    ["an admin removed", state(readers({ bob: ADMIN2 }, { h1: H1 }), { written: readers({ alice: ADMIN, bob: ADMIN2 }, { h1: H1 }) }), { reasons: ["admin-removed alice"], lost: ["admin alice"] }],
    ["an admin re-keyed", state(readers({ alice: ADMIN2 }, { h1: H1 }), { written: base }), { reasons: ["admin-rekeyed alice"] }],
    ["several changes at once", state(readers({ alice: ADMIN2 }, { h2: H2 }), { written: base }), { reasons: ["admin-rekeyed alice", "host-added h2", "host-removed h1"] }],
    ["a host renamed, same key: lock only", state(readers({ alice: ADMIN }, { hannibal: H1 }), { written: base }), { lockOnly: "renamed" }],
    ["a host renamed while another is re-keyed: the renamed key is not lost", state(readers({ alice: ADMIN }, { hannibal: H1, h2: H1_NEW }), { written: readers({ alice: ADMIN }, { h1: H1, h2: H2 }) }), { reasons: ["host-rekeyed h2", "host-added hannibal", "host-removed h1"], lost: [], replaced: ["old key of host h2"] }],
    ["no lock entry, an age admin (anonymous stanza)", state(base, { lock: null }), { reasons: ["not-locked"] }],
    ["no lock entry, only SSH readers and the header fits: adopted", state(readers({ alice: H2 }, { h1: H1 }), { lock: null }), { lockOnly: "adopted" }],
    ["no lock entry, an SSH reader the manifest lacks", state(readers({ alice: ADMIN }, {}), { written: base, lock: null }), { reasons: ["not-locked"], lost: [`ssh-ed25519 key with tag ${tagOf(H1)}`] }],
    ["the file changed after the lock (hash differs)", state(base, { sha: OTHER_SHA }), { reasons: ["file-changed"] }],
    ["the hash matches but the header does not fit the lock", state(base, { header: header([ADMIN, H2]) }), { reasons: ["header-mismatch"] }],
    ["an extra stanza type (scrypt) is never trusted", state(base, { header: header([ADMIN, H1], { other: ["scrypt"] }) }), { reasons: ["header-mismatch"] }],
    ["not an age file", state(base, { header: null }), { reasons: ["unreadable"] }],
    ["no file", state(base, { missing: true }), { missing: true }],
  ])("%s", (_, s, want) => {
    const plan = planRekey([s], ["svc/key"]);
    if (want.unchanged) {
      expect(plan.unchanged).toBe(1);
      expect(plan.rekey).toEqual([]);
      expect(plan.lockOnly).toEqual([]);
    }
    if (want.missing) expect(plan.missing).toEqual(["svc/key"]);
    if (want.lockOnly) {
      expect(plan.rekey).toEqual([]);
      expect(plan.lockOnly.map((u) => u.why)).toEqual([want.lockOnly]);
      expect(plan.lockOnly[0]!.entry).toMatchObject({ secret: "svc/key", sha256: SHA, admins: s.desired.admins, hosts: s.desired.hosts });
    }
    if (want.reasons) {
      expect(plan.rekey).toHaveLength(1);
      expect(plan.rekey[0]!.reasons.map((r) => (r.name ? `${r.kind} ${r.name}` : r.kind))).toEqual(want.reasons);
      if (want.lost) expect(plan.rekey[0]!.lost).toEqual(want.lost);
      if (want.replaced) expect(plan.rekey[0]!.replaced).toEqual(want.replaced);
    }
  });

  it("--all rekeys files that match, and files it could adopt", () => {
    expect(planRekey([state(base)], ["svc/key"], { all: true }).rekey[0]!.reasons).toEqual([{ kind: "forced" }]);
    expect(planRekey([state(readers({ alice: H2 }, { h1: H1 }), { lock: null })], [], { all: true }).rekey[0]!.reasons).toEqual([{ kind: "not-locked" }]);
  });

  it("drops lock entries of secrets no longer in the manifest", () => {
    const plan = planRekey([state(base)], ["svc/key", "old/one", "old/one"]);
    expect(plan.dropped).toEqual(["old/one"]);
  });

  it("keeps the value date when adopting a changed file", () => {
    const s = state(readers({ alice: H2 }, { h1: H1 }), { sha: OTHER_SHA, valueChanged: "2026-01-01T00:00:00Z" });
    expect(planRekey([s], ["svc/key"]).lockOnly[0]!.entry.valueChanged).toBe("2026-01-01T00:00:00Z");
  });

  it("headerFits counts anonymous X25519 stanzas and matches SSH tags exactly", () => {
    expect(headerFits(header([ADMIN, H1]), [ADMIN, H1])).toBe(true);
    expect(headerFits(header([ADMIN, H1]), [ADMIN2, H1])).toBe(true); // X25519 is anonymous: why the lock exists
    expect(headerFits(header([ADMIN, H1]), [ADMIN, ADMIN2, H1])).toBe(false);
    expect(headerFits(header([ADMIN, H1]), [ADMIN, H1_NEW])).toBe(false);
    expect(headerFits(header([ADMIN, H1, H1]), [ADMIN, H1])).toBe(false);
  });
});

describe("scanHeader (the cheap planning read) agrees with the strict parser", () => {
  it("on files with random mixes of X25519, ssh-ed25519 and ssh-rsa recipients, binary and armored", async () => {
    const rsa = readFileSync(`${interopDir}/age-cli/keys/ssh_rsa.pub`, "utf8").trim();
    const pool = [
      (await generateAgeKey()).recipient,
      (await generateAgeKey()).recipient,
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICNJ5aWDGYyaxrSnCKVy98uWfHzrUyRki04qsKY3B4he",
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEaVB3uP20MO9DV7x2GejsMHLNPxe+Mdp6ZBZ7uCR6SQ",
      rsa,
    ].map(parseRecipient);
    for (let i = 0; i < 40; i++) {
      const pick = pool.filter(() => Math.random() < 0.5);
      if (pick.length === 0) pick.push(pool[0]!);
      const ct = await encryptBytes(randomBytes(i * 7), pick, { armor: i % 3 === 0 });
      expect(scanHeader(ct)).toEqual(summarizeHeader(ct));
    }
    expect(scanHeader(new TextEncoder().encode("not an age file"))).toBeNull();
    expect(scanHeader(new TextEncoder().encode("age-encryption.org/v1\n-> X25519 abc\n"))).toBeNull();
  });
});

describe("planRekey with sops files and both forms", () => {
  // In a sops file readers are named by their age recipients, all listed in the file.
  const S_ADMIN = "age1sopsadmin";
  const S_H2 = "age1sopshosttwo";
  const S_H2_NEW = "age1sopshosttwonew";
  const sopsHeader = (ids: string[], foreign = 0) => ({ recipients: [...ids].sort(), foreign });
  const sops = (desired: ReaderKeys, o: { written?: ReaderKeys; lock?: boolean; sha?: string; missing?: boolean; foreign?: number } = {}): SecretState => {
    const written = o.written ?? desired;
    const s: SecretState = { secret: "svc/key", format: sopsFormat, desired };
    if (!o.missing) s.file = { sha256: SHA, header: sopsHeader([...Object.values(written.admins), ...Object.values(written.hosts)], o.foreign), bytes: new Uint8Array(0) };
    if (o.lock !== false) s.lock = { secret: "svc/key", format: "sops", sha256: o.sha ?? SHA, ...written };
    return s;
  };
  const sopsBase = readers({ alice: S_ADMIN }, { h2: S_H2 });

  it.each<[string, SecretState, { reasons?: string[]; lockOnly?: string; unchanged?: boolean }]>([
    ["readers unchanged", sops(sopsBase), { unchanged: true }],
    ["a host re-keyed", sops(readers({ alice: S_ADMIN }, { h2: S_H2_NEW }), { written: sopsBase }), { reasons: ["host-rekeyed h2"] }],
    ["no lock entry: the file lists its recipients, so it proves them (adopted)", sops(sopsBase, { lock: false }), { lockOnly: "adopted" }],
    ["no lock entry and a recipient the manifest lacks", sops(readers({ alice: S_ADMIN }, {}), { written: sopsBase, lock: false }), { reasons: ["not-locked"] }],
    ["PGP or another key group beside the age entries is never trusted", sops(sopsBase, { foreign: 1 }), { reasons: ["header-mismatch"] }],
    ["the file changed after the lock", sops(sopsBase, { sha: OTHER_SHA }), { lockOnly: "adopted" }],
  ])("%s", (_, s, want) => {
    const plan = planRekey([s], ["svc/key:sops"]);
    if (want.unchanged) expect(plan.unchanged).toBe(1);
    if (want.lockOnly) {
      expect(plan.lockOnly.map((u) => u.why)).toEqual([want.lockOnly]);
      expect(plan.lockOnly[0]!.entry.format).toBe("sops");
    }
    if (want.reasons) expect(plan.rekey.map((i) => i.reasons.map((r) => (r.name ? `${r.kind} ${r.name}` : r.kind)))).toEqual([want.reasons]);
  });

  it("names strangers by recipient", () => {
    const plan = planRekey([sops(readers({ alice: S_ADMIN }, {}), { written: sopsBase, lock: false })], []);
    expect(plan.rekey[0]!.lost).toEqual([`age recipient ${S_H2}`]);
  });

  it("a format a secret newly has is made from another file of it; a missing one with no other is missing", () => {
    const age = state(base);
    const newSops = sops(sopsBase, { missing: true, lock: false });
    const plan = planRekey([age, newSops], ["svc/key"]);
    expect(plan.rekey).toEqual([expect.objectContaining({ secret: "svc/key", format: sopsFormat, from: ageFormat, reasons: [{ kind: "new-format", name: "sops-nix" }], lost: [] })]);
    expect(plan.missing).toEqual([]);
    expect(planRekey([state(base, { missing: true }), newSops], []).missing).toEqual(["svc/key"]);
  });

  it("a file in a format the secret no longer has is retired; a host moving to the other form loses nothing", () => {
    // h1 read the age file; it now reads the sops file (it moved to sops-nix); the age file has no host left.
    const moved = sops(readers({ alice: S_ADMIN }, { h1: S_H2, h2: S_H2 }), { missing: true, lock: false });
    const oldAge = state(base);
    const retired: RetiredState = { secret: "svc/key", format: ageFormat, file: oldAge.file!, lock: oldAge.lock! };
    const plan = planRekey([moved], ["svc/key"], {}, [retired]);
    expect(plan.rekey.map((i) => [i.format.id, i.from?.id])).toEqual([["sops", "age"]]);
    expect(plan.retire).toEqual([{ secret: "svc/key", format: ageFormat, lost: [] }]);
    expect(plan.dropped).toEqual([]);
    // without h1 in the sops file, h1 lost it
    const left = planRekey([sops(sopsBase)], ["svc/key", "svc/key:sops"], {}, [retired]);
    expect(left.retire).toEqual([{ secret: "svc/key", format: ageFormat, lost: ["host h1"] }]);
  });

  it("a host that left one file for the other form of the same secret is moved, not lost", () => {
    const age = state(readers({ alice: ADMIN }, {}), { written: base });
    const sopsWithH1 = sops(readers({ alice: S_ADMIN }, { h1: S_H2 }), { written: readers({ alice: S_ADMIN }, {}) });
    const plan = planRekey([age, sopsWithH1], ["svc/key", "svc/key:sops"]);
    const ageItem = plan.rekey.find((i) => i.format === ageFormat)!;
    expect(ageItem.reasons).toEqual([{ kind: "host-moved", name: "h1" }]);
    expect(ageItem.lost).toEqual([]);
  });
});
