// The command tree. Each action loads its module lazily, so `nixsec audit`
// in a pre-commit hook does not pay for the crypto stack, and vice versa.
import { Command, Option } from "commander";
import type { Io } from "./io.js";
import { printError } from "./output.js";
import { registerAuditCommands } from "./register-audit.js";
import { registerRotateCommands } from "./register-rotate.js";
import { VERSION } from "./version.js";
import { withWriteLock } from "./write-lock.js";

export { VERSION };

const EXIT_CODES = `
Exit codes:
  0    success
  1    audit findings
  2    usage error or bad input (the message names the flag or file)
  3    internal error (please report it)
  130  interrupted (Ctrl-C)

Environment:
  NO_COLOR          disable colour (colour is only used on a terminal anyway)
  FORCE_COLOR       force colour
  NIXSEC_LOCK_WAIT  seconds a writing command waits for another one (default 10)`;

export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function examples(lines: string[]): string {
  return "\nExamples:\n" + lines.map((l) => "  " + l).join("\n") + "\n";
}

export function buildProgram(io: Io): Command {
  const program = new Command("nixsec")
    .description("Secrets for NixOS fleets: age-encrypted store, generated agenix/sops-nix wiring, leak audit, minimal rekey")
    .version(VERSION, "-V, --version")
    .showHelpAfterError(false)
    .addHelpText("after", EXIT_CODES)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // commander's own usage errors, in nixsec's error/hint format
      outputError: (s) => printError(io, s.replace(/^error:\s*/, "").trim().replace(/'/g, "\""), ["run with --help for usage"]),
    });

  const age = program
    .command("age")
    .description("age file tools with SSH support (mirrors the age CLI)")
    .addHelpText("after", examples([
      "nixsec age keygen -o ~/.config/nixsec/admin.key",
      "nixsec age encrypt -r \"$(cat /etc/ssh/ssh_host_ed25519_key.pub)\" -o x.age x.txt",
      "nixsec age decrypt -i ~/.ssh/id_ed25519 secrets/withings/clientSecret.age",
      "nixsec age inspect --json secrets/samba/alice.age",
    ]));

  age
    .command("keygen")
    .description("generate an age X25519 identity (mode 0600, never overwrites)")
    .option("-o, --output <file>", "write the identity to FILE instead of stdout")
    .option("--pq", "generate a post-quantum hybrid identity (needs age >= 1.3 to read)")
    .addHelpText("after", examples(["nixsec age keygen -o admin.key", "nixsec age keygen | tee key.txt"]))
    .action(async (opts) => (await import("./commands/age.js")).ageKeygen(io, opts));

  age
    .command("encrypt")
    .description("encrypt IN (default stdin) to recipients")
    .argument("[input]", "file to encrypt (default: stdin)")
    .addOption(new Option("-r, --recipient <recipient>", "age1…, age1pq1…, or an \"ssh-ed25519 …\"/\"ssh-rsa …\" public key (repeatable)").argParser(collect))
    .addOption(new Option("-R, --recipients-file <file>", "file with one recipient per line, # comments (repeatable)").argParser(collect))
    .option("-a, --armor", "write PEM-armored text")
    .option("-o, --output <file>", "write to FILE (atomically) instead of stdout")
    .addHelpText("after", examples([
      "nixsec age encrypt -r age1… -r \"ssh-ed25519 AAAA… root@host\" -o secret.age secret.txt",
      "printf %s \"$TOKEN\" | nixsec age encrypt -R recipients.txt -a > token.age",
    ]))
    .action(async (input, opts) => (await import("./commands/age.js")).ageEncrypt(io, input, opts));

  age
    .command("decrypt")
    .description("decrypt IN (default stdin) with identities")
    .argument("[input]", "file to decrypt (default: stdin)")
    .addOption(new Option("-i, --identity <file>", "age key file or SSH private key (repeatable)").argParser(collect))
    .option("-o, --output <file>", "write the plaintext to FILE (mode 0600, atomically)")
    .addHelpText("after", examples([
      "nixsec age decrypt -i ~/.ssh/id_ed25519 secret.age",
      "nixsec age decrypt -i /etc/ssh/ssh_host_ed25519_key -o /run/secret secret.age",
    ]))
    .action(async (input, opts) => (await import("./commands/age.js")).ageDecrypt(io, input, opts));

  age
    .command("inspect")
    .description("show an age file's recipient stanzas and sizes without decrypting")
    .argument("<file>", "age file (- for stdin)")
    .option("--json", "print JSON")
    .addHelpText("after", examples(["nixsec age inspect secrets/withings/clientSecret.age", "nixsec age inspect --json x.age | jq '.stanzas[].sshTag'"]))
    .action(async (file, opts) => (await import("./commands/age.js")).ageInspect(io, file, opts));

  age
    .command("convert-ssh")
    .description("ssh-to-age: the age key of an ed25519 SSH key (public from .pub, private from the key file)")
    .argument("[input]", "SSH public key (.pub, ssh-keyscan output) or OpenSSH private key (default: stdin)")
    .option("--private-key", "require a private key and print its AGE-SECRET-KEY-1…")
    .option("-o, --output <file>", "write to FILE (a private key file gets mode 0600 and is never overwritten)")
    .addHelpText("after", examples([
      "nixsec age convert-ssh /etc/ssh/ssh_host_ed25519_key.pub",
      "ssh-keyscan -t ed25519 hannibal | nixsec age convert-ssh",
      "sudo nixsec age convert-ssh --private-key /etc/ssh/ssh_host_ed25519_key -o host.agekey",
    ]))
    .action(async (input, opts) => (await import("./commands/age.js")).ageConvertSsh(io, input, opts));

  registerStoreCommands(program, io);
  registerAuditCommands(program, io);
  registerRotateCommands(program, io);
  return program;
}

/** Whether `nixsec wire` with these flags changes the manifest (else it lists, and takes no lock). */
function wireWrites(opts: Record<string, unknown>): boolean {
  if (opts.list) return false;
  return ["option", "credential", "environmentFile", "sambaUser", "userPassword", "remove", "clear"].some((k) => opts[k] !== undefined) || Boolean((opts.restart as string[] | undefined)?.length);
}

export function storeOptions(cmd: Command): Command {
  return cmd
    .option("--dir <dir>", "the repository root holding nixsec.yaml (default: found from the current directory upwards)")
    .addOption(new Option("-i, --identity <file>", "admin identity to decrypt with (repeatable; default: NIXSEC_IDENTITY, then the key recorded by init)").argParser(collect));
}

function registerStoreCommands(program: Command, io: Io): void {
  program
    .command("init")
    .description("create nixsec.yaml and secrets/ here, with a new or adopted admin key")
    .option("--dir <dir>", "repository root (default: current directory)")
    .option("--admin <name>", "admin name (default: $USER)")
    .option("--admin-key <file>", "adopt an existing identity: an age key file or an SSH private key (e.g. ~/.ssh/id_ed25519)")
    .option("--key-out <file>", "where to create the new admin key (default: ~/.config/nixsec/keys/REPO-NAME.key)")
    .option("--secrets-dir <dir>", "directory for encrypted files (default: secrets)")
    .addHelpText("after", examples(["nixsec init", "nixsec init --admin alice --admin-key ~/.ssh/id_ed25519"]))
    .action(async (opts) => (await import("./commands/init.js")).init(io, opts));

  for (const kind of ["admin", "host"] as const) {
    const group = program.command(kind).description(kind === "admin" ? "people who can decrypt every secret" : "machines that decrypt their secrets with their SSH host key");
    const keyOpts = (c: Command) =>
      storeOptions(c)
        .option("--key <key>", kind === "host" ? "the host's public key: \"ssh-ed25519 AAAA…\" (/etc/ssh/ssh_host_ed25519_key.pub)" : "the admin's public key: age1… or \"ssh-ed25519 AAAA…\"")
        .option("--key-file <file>", "read the public key from a .pub file")
        .option("--no-rekey", "only change the manifest; do not re-encrypt affected secrets");
    keyOpts(group.command("add").argument("<name>").description(`add a${kind === "admin" ? "n admin" : " host"}`))
      .addHelpText("after", examples(kind === "host" ? ["nixsec host add hannibal --key-file hannibal.pub", "nixsec host add storage2 --key \"$(ssh-keyscan -t ed25519 storage2 | cut -d' ' -f2-)\""] : ["nixsec admin add bob --key age1…"]))
      .action(async (name, opts) => withWriteLock(io, opts, `${kind} add ${name}`, async () => (await import("./commands/principals.js")).principalAdd(io, kind, name, opts)));
    keyOpts(group.command("set-key").argument("<name>").description(`replace a${kind === "admin" ? "n admin's" : " host's"} key (a reinstalled host) and re-encrypt what it reads`))
      .addHelpText("after", examples([`nixsec ${kind} set-key ${kind === "host" ? "hannibal --key-file hannibal.pub" : "alice --key age1…"}`]))
      .action(async (name, opts) => withWriteLock(io, opts, `${kind} set-key ${name}`, async () => (await import("./commands/principals.js")).principalSetKey(io, kind, name, opts)));
    storeOptions(group.command("rm").argument("<name>").description(`remove a${kind === "admin" ? "n admin" : " host"} and re-encrypt what it could read`))
      .option("--force", kind === "host" ? "also remove the host from the secrets that list it" : "remove the admin even if it is your own key")
      .option("--no-rekey", "only change the manifest")
      .addHelpText("after", examples([`nixsec ${kind} rm ${kind === "host" ? "oldbox --force" : "bob"}`]))
      .action(async (name, opts) => withWriteLock(io, opts, `${kind} rm ${name}`, async () => (await import("./commands/principals.js")).principalRm(io, kind, name, opts)));
    if (kind === "admin") {
      keyOpts(group.command("rotate").argument("[name]", "the admin (default: the one whose key you decrypt with)").description("give an admin a new key (generated unless --key), re-encrypt every secret, retire the old key"))
        .option("--key-out <file>", "where to create the new key (default: ~/.config/nixsec/keys/REPO-NAME-DATE.key)")
        .addHelpText("after", examples(["nixsec admin rotate", "nixsec admin rotate alice --key-out ~/keys/nixsec-2027.key", "nixsec admin rotate alice --key-file ~/.ssh/id_ed25519.pub -i old.key -i ~/.ssh/id_ed25519"]))
        .action(async (name, opts) => withWriteLock(io, opts, `admin rotate${name ? ` ${name}` : ""}`, async () => (await import("./commands/principals.js")).adminRotate(io, name, opts)));
    }
    storeOptions(group.command("list").description(`list ${kind}s`))
      .option("--json", "print JSON")
      .addHelpText("after", examples([`nixsec ${kind} list --json`]))
      .action(async (opts) => (await import("./commands/principals.js")).principalList(io, kind, opts));
  }

  storeOptions(program.command("add").argument("<name>", "secret name, a path like service/key").description("add a secret (or replace its value with --force)"))
    .addOption(new Option("--host <host>", "host that may decrypt it (repeatable)").argParser(collect))
    .option("--owner <user>", "owner of the decrypted file on the host (default: root)")
    .option("--group <group>", "group of the decrypted file")
    .option("--mode <mode>", "mode of the decrypted file, e.g. 0400 (default) or 0440")
    .addOption(new Option("--format <format>", "text, env (KEY=value lines) or binary").choices(["text", "env", "binary"]))
    .option("--description <text>", "what the secret is for")
    .option("--stdin", "read the value from standard input (bytes kept exactly, newline included)")
    .option("--from-file <file>", "read the value from a file")
    .addOption(new Option("--generate <kind>", "generate the value").choices(["password", "hex", "base64", "wireguard", "ssh-ed25519", "password-hash"]))
    .option("--length <n>", "password length (default 32)")
    .option("--alphabet <chars>", "password alphabet (default letters and digits)")
    .option("--bytes <n>", "random bytes for hex/base64 (default 32)")
    .option("--from <secret>", "password-hash: the secret holding the password")
    .option("--force", "replace the value of an existing secret")
    .addHelpText("after", examples([
      "nixsec add withings/clientSecret --host hannibal --owner withings-weights",
      "nixsec add samba/alice --host storage2 --generate password --length 24",
      "nixsec add users/alice/hash --host storage2 --generate password-hash --from users/alice/password",
      "nixsec add withinbot/env --host chrysalis --format env --from-file withinbot.env",
      "printf %s \"$TOKEN\" | nixsec add ci/token --stdin",
    ]))
    .action(async (name, opts) => withWriteLock(io, opts, `add ${name}`, async () => (await import("./commands/secrets.js")).secretAdd(io, name, opts)));

  storeOptions(program.command("show").argument("<name>").description("print a secret's value to stdout (refuses binary to a terminal)"))
    .addHelpText("after", examples(["nixsec show withings/clientSecret", "nixsec show disk/unlock > key.bin"]))
    .action(async (name, opts) => (await import("./commands/secrets.js")).secretShow(io, name, opts));

  storeOptions(program.command("edit").argument("<name>").description("edit a secret in $VISUAL/$EDITOR (buffer on tmpfs, mode 0600, removed afterwards)"))
    .addHelpText("after", examples(["nixsec edit withinbot/env", "EDITOR='code --wait' nixsec edit withings/clientSecret"]))
    .action(async (name, opts) => (await import("./commands/secrets.js")).secretEdit(io, name, opts));

  storeOptions(program.command("list").description("list secrets: hosts, owner, mode, format, file, last change"))
    .option("--json", "print JSON")
    .addHelpText("after", examples(["nixsec list", "nixsec list --json | jq '.[] | select(.hosts | index(\"hannibal\"))'"]))
    .action(async (opts) => (await import("./commands/secrets.js")).secretList(io, opts));

  storeOptions(program.command("wire").argument("<name>").description("record where a secret is used on its hosts (then run `nixsec gen`)"))
    .option("--option <path>", "set this NixOS option to the decrypted path, e.g. services.withings-weights.oauthClientSecretFile")
    .option("--credential <unit[:name]>", "deliver with systemd LoadCredential to UNIT (credential NAME, default: last part of the secret name)")
    .option("--credential-option <path>", "with --credential: set this option to the credential's runtime path")
    .option("--credential-env <var>", "with --credential: set this environment variable of the unit to the credential's path")
    .option("--environment-file <unit>", "use the (format: env) secret as UNIT's EnvironmentFile (not --env-file: Node 20 claims that flag)")
    .option("--samba-user <user>", "set this samba user's password with smbpasswd before smbd starts")
    .option("--user-password <user>", "set users.users.USER.hashedPasswordFile (the secret is a crypt(3) hash)")
    .addOption(new Option("--restart <unit>", "also restart UNIT when the secret changes (repeatable)").argParser(collect))
    .option("--remove <index>", "remove the consumer at INDEX (see --list)")
    .option("--clear", "remove every consumer")
    .option("--list", "list the consumers")
    .option("--json", "with --list: print JSON")
    .addHelpText("after", examples([
      "nixsec wire withings/clientSecret --option services.withings-weights.oauthClientSecretFile",
      "nixsec wire disk/unlock --credential unlock:keyfile",
      "nixsec wire withinbot/env --environment-file withinbot",
      "nixsec wire samba/alice --samba-user alice",
      "nixsec wire users/alice --user-password alice",
      "nixsec wire withings/clientSecret --list",
    ]))
    .action(async (name, opts) => (wireWrites(opts) ? withWriteLock(io, opts, `wire ${name}`, async () => (await import("./commands/wire.js")).wire(io, name, opts)) : (await import("./commands/wire.js")).wire(io, name, opts)));

  storeOptions(program.command("gen").description("write the generated Nix (data for the nixsec module, agenix secrets.nix)"))
    .option("--check", "write nothing; exit 1 if a generated file is stale (for CI and pre-commit)")
    .addHelpText("after", examples(["nixsec gen", "nixsec gen --check"]))
    .action(async (opts) => (!opts.check ? withWriteLock(io, opts, "gen", async () => (await import("./commands/wire.js")).gen(io, opts)) : (await import("./commands/wire.js")).gen(io, opts)));

  storeOptions(program.command("rm").argument("<name>").description("remove a secret and its file"))
    .addHelpText("after", examples(["nixsec rm old/token"]))
    .action(async (name, opts) => withWriteLock(io, opts, `rm ${name}`, async () => (await import("./commands/secrets.js")).secretRm(io, name, opts)));
}
