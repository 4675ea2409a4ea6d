// Registers the rotation commands: rekey, rotate, status. (`admin rotate`
// and the rekey flags of admin/host live in program.ts's admin/host block.)
import { Option, type Command } from "commander";
import type { Io } from "./io.js";
import { examples, storeOptions } from "./program.js";
import { withWriteLock } from "./write-lock.js";

export function registerRotateCommands(program: Command, io: Io): void {
  storeOptions(program.command("rekey").description("re-encrypt exactly the secrets whose readers differ from the manifest (shows the plan first)"))
    .option("-n, --dry-run", "show the plan; write nothing")
    .option("--all", "re-encrypt every secret (a new file key each), even those that match")
    .option("--json", "print the plan (and what was written) as JSON on stdout")
    .addOption(new Option("-j, --jobs <n>", "encryption threads, this one included (default: the machine's cores when there is much to do; 1: no worker threads)"))
    .addHelpText("after", examples([
      "nixsec rekey --dry-run",
      "nixsec rekey",
      "nixsec rekey --json | jq '.rekey[].secret'",
    ]) + `
The lock file <secretsDir>/nixsec.lock records the readers each file was
encrypted to, the file's sha256 and when its value last changed; commit it
with the secrets. A file whose hash or header does not match the lock is
re-encrypted. Every new file is checked to decrypt before it replaces the
old one; an interrupted rekey leaves every secret readable, and running
\`nixsec rekey\` again finishes it.
`)
    .action(async (opts) => (opts.dryRun ? (await import("./commands/rekey.js")).rekey(io, opts) : withWriteLock(io, opts, "rekey", async () => (await import("./commands/rekey.js")).rekey(io, opts))));

  storeOptions(program.command("rotate").argument("<names...>", "secrets to give new values").description("set new values for secrets and re-encrypt them; hosts restart the consumers on the next deploy"))
    .option("--generate", "use each secret's generator from the manifest (generate: …)")
    .option("--stdin", "read the new value from standard input (one secret)")
    .option("--from-file <file>", "read the new value from a file (one secret)")
    .option("--allow-empty", "accept an empty value from --stdin or --from-file")
    .addHelpText("after", examples([
      "nixsec rotate samba/alice samba/bob --generate",
      "nixsec rotate withings/oauthClientSecret            # masked prompt",
      "printf %s \"$TOKEN\" | nixsec rotate ci/token --stdin",
    ]) + `
A secret generated from a rotated one (generate: {kind: password-hash, from: …})
is regenerated with it.
`)
    .action(async (names, opts) => withWriteLock(io, opts, `rotate ${names.join(" ")}`, async () => (await import("./commands/rotate.js")).rotate(io, names, opts)));

  storeOptions(program.command("status").description("secrets that need a rekey, and values older than their maxAge"))
    .option("--json", "print JSON")
    .option("--check", "exit 1 when a secret needs a rekey, is due for rotation or has no file (for CI)")
    .addHelpText("after", examples(["nixsec status", "nixsec status --check", "nixsec status --json | jq '.secrets[] | select(.rotationDue)'"]))
    .action(async (opts) => (await import("./commands/status.js")).status(io, opts));
}
