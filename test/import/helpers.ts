// Shared by the import tests: snapshots of a repository (a dry run or a
// refused import must change nothing), identities, and the generated
// wiring evaluated with the module's own logic, as test/nixgen does.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { AgeError, decryptBytes, parseIdentityFile, type LoadedIdentity } from "../../src/crypto/index.js";
import { repoRoot } from "../helpers/tools.js";

/** Every file below `dir` (but .git): mode and content hash, or a link's target. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = path.join(d, e);
      const rel = path.relative(dir, p);
      if (rel === ".git") continue;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[rel] = `link ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[rel + "/"] = `dir ${(st.mode & 0o777).toString(8)}`;
        walk(p);
      } else out[rel] = `${(st.mode & 0o777).toString(8)} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`;
    }
  };
  walk(dir);
  return out;
}

export async function identity(file: string): Promise<LoadedIdentity[]> {
  return parseIdentityFile(readFileSync(file), file);
}

/** The plaintext, or null when none of `ids` is a reader. Any other failure fails the test. */
export async function tryDecrypt(bytes: Uint8Array, ids: LoadedIdentity[]): Promise<Buffer | null> {
  try {
    return Buffer.from(await decryptBytes(bytes, ids));
  } catch (err) {
    if (err instanceof AgeError && err.kind === "no-match") return null;
    throw err;
  }
}

/**
 * What the module makes of the repository's generated data, per host: the
 * agenix secrets (file as an absolute path), the units it configures, the
 * options it sets, and the data problems (none expected).
 */
export function evalWiring(repo: string): Record<string, { age: Record<string, { file: string; mode: string; owner: string; group?: string }>; plan: Record<string, unknown>; options: Array<{ path: string[]; value: string }>; problems: string[] }> {
  const expr = `
    let
      lib = import ${repoRoot}/modules/lib.nix;
      data = import ${repo}/nixsec/data.nix;
      pathOf = w: "/run/agenix/\${w.secret}";
      perHost = host: let hostData = lib.forHost data host; in {
        age = builtins.mapAttrs (n: s: s // { file = toString s.file; }) (lib.ageSecrets hostData.secrets);
        plan = lib.hostPlan { inherit host hostData pathOf; hasUnit = _: true; hasUser = _: true; templateUnit = lib.renderUnit;
          smbpasswdScriptFor = user: cred: lib.smbpasswdScript { smbpasswd = "/bin/smbpasswd"; inherit user; credential = cred; }; };
        options = map (t: { inherit (t) path value; }) (lib.optionTargets { inherit hostData pathOf; });
        problems = lib.dataProblems { inherit data host; };
      };
    in builtins.listToAttrs (map (h: { name = h; value = perHost h; }) (lib.hostNames data))`;
  return JSON.parse(execFileSync("nix-instantiate", ["--eval", "--strict", "--json", "-E", expr], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
}

/** The wiring of every host points at the repository's files, with no problems. */
export function expectWiringEvaluates(repo: string, secretsDir = "secrets"): ReturnType<typeof evalWiring> {
  const wiring = evalWiring(repo);
  for (const [host, w] of Object.entries(wiring)) {
    expect(w.problems, host).toEqual([]);
    for (const [name, s] of Object.entries(w.age)) expect(s.file, `${host} ${name}`).toBe(path.join(repo, secretsDir, `${name}.age`));
  }
  return wiring;
}
