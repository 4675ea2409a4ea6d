// Names and roles of imported keys (src/import/principals.ts), as pure
// cases: the rules in order, the flags, a manifest that knows a key, and
// the conflicts that stop an import.
import { describe, expect, it } from "vitest";
import { generateAgeKey } from "../../src/crypto/index.js";
import type { ManifestData } from "../../src/manifest/read.js";
import { resolvePrincipals, type PrincipalFlags } from "../../src/import/principals.js";
import type { FoundKey, ImportSource } from "../../src/import/types.js";
import { keyIdOf } from "../../src/store/lock.js";

const ED = [
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL0idNvgGiucWgup/mP78zyC23uFjYq0evcWdjGQUaBH",
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPJDyIr/FSz1cJdcoW69R+NrWzwGK/+3gJpqD1t8L2zE",
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILoPdkEfhcsmW6Lg86GMrEJZnYfFBb7fL9G/IXK7pDQd",
];
const AGE = (await Promise.all([0, 1].map(() => generateAgeKey()))).map((k) => k.recipient);

interface K { key: string; names?: string[]; groups?: string[]; role?: FoundKey["role"] }

/** A source whose secret i is read by the keys listed in reads[i]. */
function source(keys: K[], reads: number[][]): ImportSource {
  const found = keys.map((k): FoundKey => ({ key: k.key, id: keyIdOf(k.key), names: k.names ?? [], groups: k.groups ?? [], role: k.role, where: "secrets.nix" }));
  return {
    kind: "agenix", from: "secrets.nix", how: "test", notes: [], afterwards: [], keys: found,
    secrets: reads.map((r, i) => ({ name: `s${i}`, origin: `s${i}`, readers: r.map((j) => found[j]!.id), content: { kind: "file", path: `/x/s${i}.age`, bytes: new Uint8Array(), notes: [] }, fields: {}, notes: [] })),
  };
}

const none: PrincipalFlags = { admins: [], hosts: [], names: [] };
const summary = async (src: ImportSource, flags: Partial<PrincipalFlags> = {}, existing?: ManifestData) =>
  (await resolvePrincipals(src, existing, { ...none, ...flags })).map((p) => `${p.name}:${p.role}`);

describe("resolvePrincipals", () => {
  const table: Array<[string, K[], number[][], Partial<PrincipalFlags>, string[]]> = [
    ["the key reading every secret is an admin, the others hosts", [{ key: ED[0]!, names: ["user1"] }, { key: ED[1]!, names: ["system1"] }], [[0, 1], [0]], {}, ["user1:admin", "system1:host"]],
    ["a key in a group of hosts is a host even when it reads everything", [{ key: ED[0]!, names: ["alice"], groups: ["users"] }, { key: ED[1]!, names: ["box"], groups: ["systems"] }], [[0, 1]], {}, ["alice:admin", "box:host"]],
    ["an SSH host key's comment makes a host, and names it", [{ key: `${ED[0]} alice@laptop` }, { key: `${ED[1]} root@hannibal` }], [[0, 1]], {}, ["alice:admin", "hannibal:host"]],
    ["a key in `users` that does not read everything is a host", [{ key: ED[0]!, names: ["a"] }, { key: ED[1]!, names: ["b"], groups: ["users"] }], [[0, 1], [0]], {}, ["a:admin", "b:host"]],
    ["--admin and --host decide, by source or plan name", [{ key: ED[0]!, names: ["a"] }, { key: ED[1]!, names: ["b"] }], [[0, 1], [0, 1]], { hosts: ["a"], admins: ["b"] }, ["a:host", "b:admin"]],
    ["--admin-key's key is an admin", [{ key: ED[0]!, names: ["a"] }, { key: ED[1]!, names: ["b"] }], [[0, 1], [0]], { adminKeyId: keyIdOf(ED[1]!) }, ["a:admin", "b:admin"]],
    ["a source's own role wins over reading", [{ key: AGE[0]!, names: ["m"], role: { role: "host", why: "machine" } }, { key: AGE[1]!, names: ["n"] }], [[0, 1]], {}, ["m:host", "n:admin"]],
    ["unnamed age keys get a derived name", [{ key: AGE[0]! }, { key: AGE[1]! }], [[0, 1], [0]], {}, [`admin-${AGE[0]!.slice(-6)}:admin`, `host-${AGE[1]!.slice(-6)}:host`]],
    ["--name renames by source name, key or fingerprint", [{ key: ED[0]!, names: ["a"] }, { key: ED[1]!, names: ["b"] }, { key: ED[2]! }], [[0, 1, 2]], {
      names: [{ name: "x", which: "a" }, { name: "y", which: ED[1]! }, { name: "z", which: keyIdOf(ED[2]!).split(" ")[1]! }],
    }, ["x:admin", "y:admin", "z:admin"]],
  ];
  it.each(table)("%s", async (_, keys, reads, flags, want) => {
    expect(await summary(source(keys, reads), flags)).toEqual(want);
  });

  it("a key already in nixsec.yaml keeps its name and role", async () => {
    const existing = { admins: { carol: { key: AGE[0]! } }, hosts: { storage: { key: ED[1]! } } } as unknown as ManifestData;
    expect(await summary(source([{ key: ED[1]!, names: ["system1"] }, { key: ED[0]!, names: ["user1"] }], [[0, 1]]), {}, existing)).toEqual(["storage:host", "user1:admin"]);
  });

  it("refuses a source name another key has in nixsec.yaml, and --name solves it", async () => {
    const existing = { admins: { user1: { key: AGE[0]! } }, hosts: {} } as unknown as ManifestData;
    const src = source([{ key: ED[0]!, names: ["user1"] }], [[0]]);
    await expect(resolvePrincipals(src, existing, none)).rejects.toThrow(/"user1" is already in nixsec\.yaml with another key/);
    expect(await summary(src, { names: [{ name: "user1-old", which: "user1" }] }, existing)).toEqual(["user1-old:admin"]);
  });

  it("derived names that collide get a suffix; a prompt answers for unnamed keys only", async () => {
    const src = source([{ key: `${ED[0]} root@box` }, { key: `${ED[1]} root@box` }, { key: ED[2]!, names: ["named"] }], [[2, 0], [2, 1]]);
    expect(await summary(src)).toEqual(["box:host", "box-2:host", "named:admin"]);
    const asked: string[] = [];
    const answers = ["front", "back"];
    const got = await resolvePrincipals(src, undefined, none, async (k, suggested) => (asked.push(suggested), answers.shift()!));
    expect(asked).toEqual(["box", "box"]);
    expect(got.map((p) => p.name)).toEqual(["front", "back", "named"]);
    const taken = ["named"];
    await expect(resolvePrincipals(src, undefined, none, async () => taken[0]!)).rejects.toThrow(/"named" is already taken/);
  });

  it("names unknown flags with the nearest name", async () => {
    const src = source([{ key: ED[0]!, names: ["hannibal"] }], [[0]]);
    await expect(resolvePrincipals(src, undefined, { ...none, admins: ["hanibal"] })).rejects.toThrow(/--admin hanibal: no imported key is named so; did you mean "hannibal"/);
    await expect(resolvePrincipals(src, undefined, { ...none, names: [{ name: "x", which: "nope" }] })).rejects.toThrow(/--name x=nope: no imported key is "nope"/);
    await expect(resolvePrincipals(src, undefined, { ...none, admins: ["hannibal"], hosts: ["hannibal"] })).rejects.toThrow(/given as --admin and as --host/);
  });
});
