// An import on a terminal (tmux): a key the source leaves unnamed is asked
// for a name (its derived name is the default), the plan is shown, and
// nothing is written until the answer is yes.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nixsecBin } from "../helpers/cli.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { startInTmux } from "../helpers/tmux.js";
import { interopDir, needTool } from "../helpers/tools.js";
import { snapshot } from "./helpers.js";

const run = needTool("tmux") && needTool("git");
const example = path.join(interopDir, "agenix/example");
const keys = path.join(interopDir, "agenix/example_keys");

describe.runIf(run)("import on a terminal", () => {
  let t: TempRepo;
  const nixsec = (args: string) => `${process.execPath} ${nixsecBin} ${args}`;
  beforeAll(() => {
    t = tempRepo();
    mkdirSync(t.file("secrets"));
    for (const f of ["secret1.age", "secret2.age"]) copyFileSync(path.join(example, f), t.file(`secrets/${f}`));
    const pub = (k: string) => readFileSync(path.join(keys, `${k}.pub`), "utf8").trim();
    writeFileSync(t.file("secrets/secrets.nix"), `let user1 = "${pub("user1")}"; in {\n  "secret1.age".publicKeys = [ user1 "${pub("system1")}" ];\n  "secret2.age".publicKeys = [ user1 ];\n}\n`);
  });
  afterAll(() => t.cleanup());

  it("asks for an unnamed key's name, shows the plan, and writes nothing on no", async () => {
    const before = snapshot(t.repo);
    const s = startInTmux(nixsec("import agenix --no-eval"), { cwd: t.repo, env: t.env, dir: t.root });
    try {
      await s.waitFor(/name for the host key ssh-ed25519/);
      s.send("C-u", "hannibal", "Enter");
      await s.waitFor(/write this\?/);
      expect(s.screen()).toMatch(/hannibal\s+ssh-ed25519/);
      s.send("n", "Enter");
      expect(await s.exitCode()).toBe(2);
    } finally {
      s.kill();
    }
    expect(snapshot(t.repo)).toEqual(before);
  });

  it("writes on yes, with the name given", async () => {
    const s = startInTmux(nixsec("import agenix --no-eval --replace-rules"), { cwd: t.repo, env: t.env, dir: t.root });
    try {
      await s.waitFor(/name for the host key/);
      s.send("C-u", "storage2", "Enter");
      await s.waitFor(/write this\?/);
      s.send("y", "Enter");
      expect(await s.exitCode()).toBe(0);
    } finally {
      s.kill();
    }
    expect(readFileSync(t.file("nixsec.yaml"), "utf8")).toMatch(/hosts:\n {2}storage2:/);
    expect(existsSync(t.file("nixsec/data.nix"))).toBe(true);
  });
});
