// Every fast path (src/cli/fast-path.ts) must be exactly what commander does
// with its argv: the same action arguments and options, so skipping commander
// for the pre-commit hook changes nothing but the start-up time.
import { describe, expect, it } from "vitest";
import { FAST_PATHS, fastPath } from "../../src/cli/fast-path.js";
import { buildProgram } from "../../src/cli/program.js";
import { tempRepo } from "../helpers/repo.js";
import type { Io } from "../../src/cli/io.js";

const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: "/" } as unknown as Io;

describe("fast paths", () => {
  for (const f of FAST_PATHS) {
    it(`${f.argv.join(" ")}: commander passes the same arguments and options`, async () => {
      const program = buildProgram(io);
      let seen: unknown[] | undefined;
      const cmd = program.commands.find((c) => c.name() === f.argv[0])!;
      cmd.action((...a: unknown[]) => {
        seen = [...a.slice(0, -2), { ...(a[a.length - 2] as object) }];
      });
      await program.parseAsync([...f.argv], { from: "user" });
      expect(seen).toEqual([...f.args, f.opts]);
    });
  }

  it("takes only the exact argv", () => {
    expect(fastPath(["audit", "--staged"])).not.toBeNull();
    expect(fastPath(["audit", "--staged", "--format", "json"])).toBeNull();
    expect(fastPath(["audit"])).toBeNull();
    expect(fastPath(["--staged", "audit"])).toBeNull();
  });

  it("gives the hook the same output and exit code as the full program", async () => {
    const r = tempRepo("nixsec-fast-");
    try {
      const { writeFileSync } = await import("node:fs");
      const { execFileSync } = await import("node:child_process");
      writeFileSync(r.file("host.nix"), '{ users.users.root.initialPassword = "hunter2-hunter2"; }\n');
      execFileSync("git", ["add", "host.nix"], { cwd: r.repo });
      const fast = await r.nixsec(["audit", "--staged"]);
      // One more flag with its default value takes commander's path.
      const full = await r.nixsec(["audit", "--staged", "--format", "text"]);
      expect(fast.code, fast.stderr).toBe(1);
      expect(fast.code).toBe(full.code);
      expect(fast.stdout.toString()).toBe(full.stdout.toString());
      expect(fast.stderr.replace(/in [\d.]+ s/, "")).toBe(full.stderr.replace(/in [\d.]+ s/, ""));
    } finally {
      r.cleanup();
    }
  });
});
