// Shell completion: the candidates for a command line (a table, on the real
// command tree), then the printed scripts in real shells: bash driven as its
// completion would be, zsh and fish syntax-checked and typed into with tmux.
// Names come from a copy of the example fleet's nixsec.yaml alone (no
// secrets directory, no key): completion reads the manifest and nothing else.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import yaml from "js-yaml";
import { afterAll, describe, expect, it } from "vitest";
import { completeWords } from "../../src/cli/commands/completion.js";
import type { Io } from "../../src/cli/io.js";
import { buildProgram } from "../../src/cli/program.js";
import { nixsecBin } from "../helpers/cli.js";
import { startInTmux } from "../helpers/tmux.js";
import { needTool, repoRoot } from "../helpers/tools.js";

const root = mkdtempSync(path.join(tmpdir(), "nixsec-completion-"));
const repo = path.join(root, "repo");
const home = path.join(root, "home");
const bin = path.join(root, "bin");
for (const d of [repo, home, bin]) mkdirSync(d);
copyFileSync(path.join(repoRoot, "nixsec.yaml"), path.join(repo, "nixsec.yaml"));
writeFileSync(path.join(bin, "nixsec"), `#!/bin/sh\nexec '${process.execPath}' '${nixsecBin}' "$@"\n`);
chmodSync(path.join(bin, "nixsec"), 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const manifest = yaml.load(readFileSync(path.join(repo, "nixsec.yaml"), "utf8")) as Record<string, Record<string, unknown>>;
const secrets = Object.keys(manifest.secrets!).sort();
const hosts = Object.keys(manifest.hosts!).sort();
const admins = Object.keys(manifest.admins!).sort();
const templates = Object.keys(manifest.templates ?? {}).sort();
const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: home, NIXSEC_NO_CACHE: "1", LANG: "C.UTF-8" };

const io = { env: {}, cwd: repo } as unknown as Io;
async function values(line: string[], program = buildProgram(io)): Promise<string[]> {
  const r = await completeWords(program, line, repo);
  return [...r.candidates.map((c) => c.value), ...(r.files ? [":files"] : [])];
}

describe("completion candidates", () => {
  const table: Array<[string[], string[] | ((v: string[]) => void)]> = [
    [["ad"], ["admin", "add"]],
    [["show", ""], secrets],
    [["show", "withings/"], secrets.filter((s) => s.startsWith("withings/"))],
    [["edit", ""], secrets],
    [["rotate", secrets[0]!, ""], secrets],
    [["host", "rm", ""], hosts],
    [["host", "set-key", ""], hosts],
    [["admin", "rotate", ""], admins],
    [["host", "add", ""], []], // a new name
    [["template", "rm", ""], templates],
    [["template", "add", ""], []],
    [["grant", "x", "--host", ""], hosts],
    [["add", "x", "--host", ""], hosts],
    [["add", "x", "--host="], hosts.map((h) => `--host=${h}`)],
    [["add", "x", `--host=${hosts[0]!.slice(0, 2)}`], hosts.filter((h) => h.startsWith(hosts[0]!.slice(0, 2))).map((h) => `--host=${h}`)],
    [["add", "x", "--from", ""], secrets],
    [["add", "x", "--generate", "p"], ["password", "password-hash"]],
    [["add", "x", "--from-file", ""], [":files"]],
    [["age", "decrypt", ""], [":files"]],
    [["age", "decrypt", "-i", ""], [":files"]],
    [["completion", ""], ["bash", "zsh", "fish"]],
    [["rekey", "--j"], ["--json", "--jobs"]],
    [["show", "--dir", ".", "with"], secrets.filter((s) => s.startsWith("with"))],
    [["show", `--dir=${repo}`, "with"], secrets.filter((s) => s.startsWith("with"))],
    [["show", "--dir", "/nonexistent", "x", ""], []],
    [[""], (v) => {
      expect(v).toEqual(expect.arrayContaining(["init", "add", "show", "audit", "rekey", "completion"]));
      expect(v).not.toContain("__complete");
      expect(v).not.toContain("help");
    }],
    [["-"], (v) => expect(v).toEqual(expect.arrayContaining(["--version", "-V", "--help"]))],
  ];
  it.each(table)("%j", async (line, want) => {
    const got = await values(line);
    if (typeof want === "function") want(got);
    else expect(got.sort()).toEqual([...want].sort());
  });

  it("picks up commands and flags registered after it, from the tree of the run", async () => {
    const program = buildProgram(io);
    program.command("frobnicate").option("--widget-file <file>", "x").option("--to-host <host>", "y").argument("<secret>");
    expect(await values(["frob"], program)).toEqual(["frobnicate"]);
    expect((await values(["frobnicate", "--w"], program))).toEqual(["--widget-file"]);
    expect(await values(["frobnicate", "--widget-file", ""], program)).toEqual([":files"]);
    expect((await values(["frobnicate", ""], program)).sort()).toEqual(secrets);
  });

  it("offers no names for a repository without a valid manifest", async () => {
    const empty = mkdtempSync(path.join(root, "empty-"));
    writeFileSync(path.join(empty, "nixsec.yaml"), "version: 99\n");
    const r = await completeWords(buildProgram(io), ["show", ""], empty);
    expect(r.candidates).toEqual([]);
    expect(r.files).toBe(false);
  });
});

/** Runs `script` in bash after sourcing the completion, in the temp repository. */
function bash(script: string): string {
  return execFileSync("bash", ["--norc", "--noprofile", "-c", `source <(nixsec completion bash)\n${script}`], { cwd: repo, env, encoding: "utf8" });
}
const complete = (words: string) => `COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _nixsec; printf '%s\\n' "\${COMPREPLY[@]}"`;
const lines = (s: string) => s.split("\n").filter(Boolean).sort();

describe.runIf(needTool("bash"))("bash", () => {
  it("completes `nixsec ad` to add and admin", () => {
    expect(lines(bash(complete("nixsec ad")))).toEqual(["add", "admin"]);
  });

  it("completes a secret name after `nixsec show `, and narrows it", () => {
    expect(lines(bash(complete("nixsec show ''")))).toEqual(secrets);
    expect(lines(bash(complete("nixsec show withings/oauthClientS")))).toEqual(["withings/oauthClientSecret"]);
  });

  it("completes hosts after --host, bash's `=` split included", () => {
    expect(lines(bash(complete("nixsec add x --host ''")))).toEqual(hosts);
    expect(lines(bash(complete("nixsec add x --host = ''")))).toEqual(hosts);
  });

  it("registers _nixsec for nixsec with file names as the fallback", () => {
    expect(bash("complete -p nixsec").trim()).toBe("complete -o default -F _nixsec nixsec");
  });
});

/** In an interactive shell: Tab completes a command, then a secret name; the session ends either way. */
async function completesCommandAndSecret(s: ReturnType<typeof startInTmux>): Promise<void> {
    try {
      await s.waitFor(/^nx>/m);
      s.send("nixsec sho", "Tab");
      await s.waitFor(/nixsec show\s*$/m);
      s.send("withings/oauthClientS", "Tab");
      await s.waitFor(/nixsec show withings\/oauthClientSecret\s*$/m);
    } finally {
      s.kill();
    }
}

describe.runIf(needTool("zsh") && needTool("tmux"))("zsh", () => {
  it("the script parses", () => {
    const script = path.join(root, "_nixsec");
    writeFileSync(script, execFileSync("nixsec", ["completion", "zsh"], { env }));
    execFileSync("zsh", ["-n", script]);
  });

  it("completes in an interactive zsh", async () => {
    const zdot = mkdtempSync(path.join(root, "zdot-"));
    writeFileSync(path.join(zdot, ".zshrc"), "PS1='nx> '\nautoload -U compinit && compinit -u\nsource <(nixsec completion zsh)\n");
    const s = startInTmux("zsh -i", { cwd: repo, env: { ...env, ZDOTDIR: zdot }, dir: root });
    await completesCommandAndSecret(s);
  });
});

describe.runIf(needTool("fish") && needTool("tmux"))("fish", () => {
  it("the script parses", () => {
    const script = path.join(root, "nixsec.fish");
    writeFileSync(script, execFileSync("nixsec", ["completion", "fish"], { env }));
    execFileSync("fish", ["--no-execute", script]);
  });

  it("completes in an interactive fish", async () => {
    const s = startInTmux("fish --no-config -i -C 'function fish_prompt; echo \"nx> \"; end; nixsec completion fish | source'", { cwd: repo, env: { ...env, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home }, dir: root });
    await completesCommandAndSecret(s);
  });
});
