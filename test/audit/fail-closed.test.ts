// Issue 12, item 5: the audit fails closed. What Nix would read is scanned
// (a .nix file with a NUL in a comment is text to Nix); a file too large to
// read whole is a finding, not a quiet skip; a value nested deeper than the
// parser goes keeps its finding through the token fallback.
import { writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { auditFilesDetailed } from "../../src/audit/scan.js";
import { tempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";

const run = (path: string, content: string | Uint8Array, maxFileBytes?: number) => {
  const r = auditFilesDetailed([{ path, content }], maxFileBytes ? { maxFileBytes } : {});
  return { rules: r.findings.map((f) => `${f.ruleId}@${f.line}:${f.severity}`), notes: r.notes.map((n) => n.message), messages: r.findings.map((f) => f.message) };
};

describe("fail closed", () => {
  test("a NUL byte in a .nix comment does not make the file binary", () => {
    const src = Buffer.from(`{\n  # a comment with a NUL \u0000 byte\n  users.users.root.password = "Hunter-Nul-2";\n}\n`);
    expect(run("host.nix", src)).toMatchObject({ rules: ["plaintext-password@3:high"], notes: [] });
    // any other file with a NUL is still binary, as git sees it
    expect(run("notes.txt", src).notes).toEqual(["skipped: binary"]);
  });

  test("a text or .nix file over the size cap is a finding; a binary one a note", () => {
    const big = `{ users.users.root.password = "Hunter-Big-3"; a = "${"x".repeat(3000)}"; }`;
    const nix = run("big.nix", big, 1000);
    expect(nix.rules).toEqual(["unscanned-file@1:medium"]);
    expect(nix.messages[0]).toBe("file too large to audit: big.nix is 3 KiB, over the 1 KiB the audit reads whole");
    expect(run("dump.sql", "-- " + "y".repeat(3000), 1000).rules).toEqual(["unscanned-file@1:medium"]);
    // a .nix file is never "binary", whatever its first bytes
    expect(run("weird.nix", Buffer.from("\u0000" + "z".repeat(3000)), 1000).rules).toEqual(["unscanned-file@1:medium"]);
    expect(run("logo.png", Uint8Array.from([0x89, 0x50, 0, ...new Array(3000).fill(1)]), 1000)).toEqual({ rules: [], notes: ["skipped: binary, 3 KiB"], messages: [] });
  });

  test("files up to the default cap are scanned whole: 2 MiB is no longer skipped", () => {
    const src = `{ a = "${"x".repeat(2 << 20)}"; users.users.root.password = "Hunter-Big-4"; }`;
    expect(run("generated.nix", src).rules).toEqual(["plaintext-password@1:high"]);
  });

  test("a value nested 1000 parentheses deep keeps its finding (and its option path)", () => {
    const src = `{\n  users.users.root = ${"(".repeat(1000)} {\n    password = "Hunter-Deep-1";\n  } ${")".repeat(1000)};\n}\n`;
    const r = run("deep.nix", src);
    expect(r.rules).toEqual(["parse-error@2:low", "plaintext-password@3:high"]);
    expect(r.messages[1]).toBe("plaintext user password: users.users.root.password");
  });
});

describe.runIf(needTool("git"))("fail closed (binary)", () => {
  test("nixsec audit reports the password in a .nix file with a NUL byte", async () => {
    const t = tempRepo("nixsec-audit-nul-");
    try {
      writeFileSync(t.file("host.nix"), Buffer.from(`{\n  # \u0000\n  users.users.root.password = "Hunter-Nul-5";\n}\n`));
      const r = await t.nixsec(["audit", "--format", "json"]);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout.toString()).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(["plaintext-password"]);
    } finally {
      t.cleanup();
    }
  });
});
