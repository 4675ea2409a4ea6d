// Issue 15: "rotate it: it is in git history" only when the value was
// committed. A leak in a committed file says rotate; in an untracked file, or
// in a commit the hook refuses, it says no rotation is needed.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";

describe.runIf(needTool("git"))("rotation advice follows git history (binary)", () => {
  let t: TempRepo;
  const git = (...a: string[]): void => { execFileSync("git", a, { cwd: t.repo, env: { ...process.env, ...t.env }, stdio: "ignore" }); };
  const hints = async (args: string[] = []): Promise<string[]> => {
    const r = await t.nixsec(["audit", "--format", "json", ...args]);
    return JSON.parse(r.stdout.toString()).findings.map((f: { file: string; hint: string }) => `${f.file}: ${f.hint}`);
  };
  beforeAll(() => {
    t = tempRepo("nixsec-audit-rotate-");
    writeFileSync(t.file("old.nix"), `{ services.foo.settings.smtp.password = "Committed-Pw-41"; }\n`);
    git("add", "old.nix");
    git("commit", "-q", "-m", "old");
  });
  afterAll(() => t.cleanup());

  test("committed: rotate; untracked: no rotation needed", async () => {
    writeFileSync(t.file("new.nix"), `{ services.foo.settings.smtp.password = "Fresh-Pw-42"; }\n`);
    const hs = await hints();
    expect(hs.find((h) => h.startsWith("old.nix"))).toMatch(/rotate the value: it is in git history$/);
    expect(hs.find((h) => h.startsWith("new.nix"))).toMatch(/no rotation needed: the value was never committed$/);
  });

  test("a value removed from the file but committed earlier still says rotate", async () => {
    writeFileSync(t.file("old.nix"), `{ services.foo.settings.smtp.password = "Committed-Pw-41"; services.foo.x = 1; }\n`);
    git("commit", "-q", "-am", "edit");
    const hs = await hints();
    expect(hs.find((h) => h.startsWith("old.nix"))).toMatch(/rotate the value: it is in git history$/);
  });

  test("staged and refused by the hook: no rotation needed", async () => {
    writeFileSync(t.file("staged.nix"), `{ services.foo.settings.smtp.password = "Staged-Pw-43"; }\n`);
    git("add", "staged.nix");
    const hs = await hints(["--staged"]);
    expect(hs).toEqual([expect.stringMatching(/^staged\.nix: .*no rotation needed: the value was never committed$/)]);
  });
});
