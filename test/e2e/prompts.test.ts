// Interactive paths in a real pseudo-terminal (tmux): the masked prompt asked
// twice, a mismatch, Ctrl-C exiting 130 with nothing left behind, and the
// passphrase of a protected SSH admin key asked once.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nixsecBin } from "../helpers/cli.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { startInTmux } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";

const run = needTool("tmux") && needTool("ssh-keygen") && needTool("git");
const CANARY = "canary-PROMPT-7f3a91";

describe.runIf(run)("prompts in a terminal", () => {
  let t: TempRepo;
  const nixsec = (args: string) => `${process.execPath} ${nixsecBin} ${args}`;
  const tree = () => execFileSync("sh", ["-c", "find . -path ./.git -prune -o -print | sort; cat nixsec.yaml"], { cwd: t.repo }).toString();

  beforeAll(async () => {
    t = tempRepo();
    await t.nixsec(["init"]);
  });
  afterAll(() => t.cleanup());

  it("a masked value, asked twice, is stored; the screen shows only the mask", async () => {
    const s = startInTmux(nixsec("add svc/token"), { cwd: t.repo, env: t.env, dir: t.root });
    try {
      await s.waitFor(/Value for svc\/token/);
      s.send(CANARY, "Enter");
      await s.waitFor(/Confirm/);
      s.send(CANARY, "Enter");
      expect(await s.exitCode()).toBe(0);
      expect(s.screen()).not.toContain(CANARY);
      expect(s.screen()).toMatch(/\*{5,}/);
    } finally {
      s.kill();
    }
    expect((await t.nixsec(["show", "svc/token"])).stdout.toString()).toBe(CANARY);
  });

  it("two different entries change nothing", async () => {
    const before = tree();
    const s = startInTmux(nixsec("add svc/other"), { cwd: t.repo, env: t.env, dir: t.root });
    try {
      await s.waitFor(/Value for/);
      s.send("first-value", "Enter");
      await s.waitFor(/Confirm/);
      s.send("second-value", "Enter");
      expect(await s.exitCode()).toBe(2);
      expect(await s.waitFor(/differ/)).toMatch(/nixsec: error: the two entries differ/);
    } finally {
      s.kill();
    }
    expect(tree()).toBe(before);
  });

  it("Ctrl-C at the prompt exits 130 and leaves nothing behind", async () => {
    const before = tree();
    const s = startInTmux(nixsec("add svc/interrupted"), { cwd: t.repo, env: t.env, dir: t.root });
    try {
      await s.waitFor(/Value for/);
      s.send("half-typed");
      s.send("C-c");
      expect(await s.exitCode()).toBe(130);
    } finally {
      s.kill();
    }
    expect(tree()).toBe(before);
  });

  it("a passphrase-protected SSH admin key is asked for once, masked", async () => {
    const key = path.join(t.root, "protected");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "pass phrase", "-C", "prot", "-f", key]);
    const pub = readFileSync(`${key}.pub`, "utf8").trim();
    expect((await t.nixsec(["admin", "add", "bob", "--key", pub])).code).toBe(0);
    const out = path.join(t.root, "shown.txt");
    const s = startInTmux(`sh -c '${nixsec("show svc/token -i " + key)} > ${out}'`, { cwd: t.repo, env: t.env, dir: t.root });
    try {
      await s.waitFor(/Passphrase for/);
      s.send("pass phrase", "Enter");
      expect(await s.exitCode()).toBe(0);
      expect(s.screen()).not.toContain("pass phrase");
    } finally {
      s.kill();
    }
    expect(readFileSync(out, "utf8")).toBe(CANARY);
  });
});
