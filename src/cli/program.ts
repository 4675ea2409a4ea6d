// The command tree. Each action loads its module lazily, so `nixsec audit`
// in a pre-commit hook does not pay for the crypto stack, and vice versa.
import { Argument, Command, Option } from "commander";
import { setPluginContext } from "../crypto/plugin-context.js";
import { SHELLS } from "./commands/completion-scripts.js";
import type { Io } from "./io.js";
import { cliPluginContext } from "./prompt.js";
import { printError } from "./output.js";
import { registerAuditCommands } from "./register-audit.js";
import { registerImportCommands } from "./register-import.js";
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

const PLUGIN_NOTES = `
Plugins: a recipient age1NAME1… or an identity AGE-PLUGIN-NAME-1… runs
age-plugin-NAME from PATH; its questions (PIN, touch) come to this terminal.
NIXSEC_PLUGIN_TIMEOUT=SECONDS: how long a plugin may stay silent (default 60).
`;

export function examples(lines: string[]): string {
  return "\nExamples:\n" + lines.map((l) => "  " + l).join("\n") + "\n";
}

export function buildProgram(io: Io): Command {
  // Any command may meet a plugin recipient or identity (store, age, sops).
  setPluginContext(cliPluginContext(io));
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
    .description("age file tools with SSH and plugin support (mirrors the age CLI)")
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
    .addOption(new Option("-j, --plugin <name>", "encrypt to age-plugin-NAME's identity without data, as age -j does (repeatable)").argParser(collect))
    .option("-a, --armor", "write PEM-armored text")
    .option("-o, --output <file>", "write to FILE (atomically) instead of stdout")
    .addHelpText("after", examples([
      "nixsec age encrypt -r age1… -r \"ssh-ed25519 AAAA… root@host\" -o secret.age secret.txt",
      "printf %s \"$TOKEN\" | nixsec age encrypt -R recipients.txt -a > token.age",
      "nixsec age encrypt -r age1yubikey1… -o backup.age backup.tar   # runs age-plugin-yubikey",
    ]) + PLUGIN_NOTES)
    .action(async (input, opts) => (await import("./commands/age.js")).ageEncrypt(io, input, opts));

  age
    .command("decrypt")
    .description("decrypt IN (default stdin) with identities")
    .argument("[input]", "file to decrypt (default: stdin)")
    .addOption(new Option("-i, --identity <file>", "age key file, SSH private key, or a plugin's identity file (repeatable)").argParser(collect))
    .addOption(new Option("-j, --plugin <name>", "decrypt with age-plugin-NAME without an identity file, as age -j does (repeatable)").argParser(collect))
    .option("-o, --output <file>", "write the plaintext to FILE (mode 0600, atomically)")
    .addHelpText("after", examples([
      "nixsec age decrypt -i ~/.ssh/id_ed25519 secret.age",
      "nixsec age decrypt -i /etc/ssh/ssh_host_ed25519_key -o /run/secret secret.age",
      "nixsec age decrypt -i yubikey-identity.txt secret.age   # AGE-PLUGIN-YUBIKEY-1…: asks for the PIN/touch",
    ]) + PLUGIN_NOTES)
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

  registerSopsCommands(program, io);
  registerStoreCommands(program, io);
  registerAuditCommands(program, io);
  registerRotateCommands(program, io);
  registerImportCommands(program, io);
  registerCompletion(program, io);
  return program;
}

/** Whether `nixsec wire` with these flags changes the manifest (else it lists, and takes no lock). */
function wireWrites(opts: Record<string, unknown>): boolean {
  if (opts.list) return false;
  return ["option", "credential", "environmentFile", "sambaUser", "userPassword", "initrd", "remove", "clear"].some((k) => opts[k] !== undefined) || Boolean((opts.restart as string[] | undefined)?.length);
}

function registerSopsCommands(program: Command, io: Io): void {
  const sops = program
    .command("sops")
    .description("sops files without the sops binary: decrypt, encrypt, updatekeys, inspect (age recipients)")
    .addHelpText("after", examples([
      "nixsec sops decrypt -i ~/.config/sops/age/keys.txt secrets/storage2.yaml",
      "nixsec sops decrypt --extract '[\"samba\"][\"alice\"]' secrets/storage2.yaml",
      "nixsec sops encrypt --age age1…,age1… -o secrets/x.yaml x.yaml",
      "nixsec sops updatekeys --age age1…,age1… secrets/x.yaml",
      "nixsec sops inspect --json secrets/x.yaml",
    ]) + "\nIdentities: -i files, then SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_SSH_PRIVATE_KEY_FILE,\n$XDG_CONFIG_HOME/sops/age/keys.txt, ~/.ssh/id_ed25519 and ~/.ssh/id_rsa, as sops reads them.\nAn ed25519 SSH key also opens files encrypted to its ssh-to-age key (sops-nix hosts).\n");
  const ids = (c: Command) => c.addOption(new Option("-i, --identity <file>", "age key file or SSH private key (repeatable; see `nixsec sops --help` for the other sources)").argParser(collect));
  const types = (c: Command) =>
    c
      .addOption(new Option("--input-type <type>", "the file's format (default: from its extension, as sops decides)").choices(["yaml", "json", "dotenv", "ini", "binary"]))
      .addOption(new Option("--output-type <type>", "the output's format (default: the input's)").choices(["yaml", "json", "dotenv", "ini", "binary"]));

  types(ids(sops.command("decrypt").argument("<file>", "sops file").description("print the decrypted file, as `sops -d` does (the MAC is always verified)")))
    .option("--extract <path>", "print one value, e.g. '[\"db\"][\"password\"]' or '[\"hosts\"][0]'")
    .option("-o, --output <file>", "write to FILE (mode 0600, atomically) instead of stdout")
    .addHelpText("after", examples(["nixsec sops decrypt -i key.txt secrets.yaml", "SOPS_AGE_KEY_FILE=key.txt nixsec sops decrypt --output-type json secrets.yaml", "nixsec sops decrypt -i /etc/ssh/ssh_host_ed25519_key --extract '[\"token\"]' app.yaml"]))
    .action(async (file, opts) => (await import("./commands/sops.js")).sopsDecrypt(io, file, opts));

  types(sops.command("encrypt").argument("<file>", "plaintext file").description("encrypt a plaintext file to age recipients (default: the .sops.yaml creation rule)"))
    .addOption(new Option("--age <recipients>", "age1… recipients, comma-separated (repeatable)").argParser(collect))
    .option("-o, --output <file>", "write to FILE (atomically) instead of stdout")
    .option("--in-place", "replace FILE with its encrypted form")
    .addHelpText("after", examples(["nixsec sops encrypt --age age1…,age1… -o secrets.enc.yaml secrets.yaml", "nixsec sops encrypt --in-place secrets/app.yaml   # recipients from .sops.yaml"]))
    .action(async (file, opts) => (await import("./commands/sops.js")).sopsEncrypt(io, file, opts));

  ids(sops.command("updatekeys").argument("<files...>", "sops files").description("re-wrap the data key to a new recipient list (--age, or the .sops.yaml creation rule); values, MAC and lastmodified stay"))
    .addOption(new Option("--age <recipients>", "the new age recipients, comma-separated (repeatable)").argParser(collect))
    .addOption(new Option("--input-type <type>", "the files' format (default: from the extension)").choices(["yaml", "json", "dotenv", "ini", "binary"]))
    .option("--dry-run", "print the recipient changes only")
    .addHelpText("after", examples(["nixsec sops updatekeys -i key.txt --age age1…,age1… secrets/*.yaml", "nixsec sops updatekeys secrets/app.yaml   # recipients from .sops.yaml"]))
    .action(async (files, opts) => (await import("./commands/sops.js")).sopsUpdateKeys(io, files, opts));

  ids(sops.command("inspect").argument("<file>", "sops file").description("show format, recipients, rules and lastmodified; the MAC status when a key opens the file"))
    .addOption(new Option("--input-type <type>", "the file's format (default: from the extension)").choices(["yaml", "json", "dotenv", "ini", "binary"]))
    .option("--json", "print JSON")
    .addHelpText("after", examples(["nixsec sops inspect secrets/app.yaml", "nixsec sops inspect --json -i key.txt secrets/app.yaml | jq .mac"]))
    .action(async (file, opts) => (await import("./commands/sops.js")).sopsInspect(io, file, opts));
}

// Registered last: `__complete` reads the tree built above (completion.ts).
function registerCompletion(program: Command, io: Io): void {
  program
    .command("completion")
    .description("print the shell completion script (commands, flags, and secret, host, admin and template names from nixsec.yaml)")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(SHELLS))
    .addHelpText("after", examples([
      "source <(nixsec completion bash)        # in ~/.bashrc",
      "source <(nixsec completion zsh)         # in ~/.zshrc, after compinit",
      "nixsec completion fish > ~/.config/fish/completions/nixsec.fish",
    ]))
    .action(async (shell) => (await import("./commands/completion.js")).completion(io, shell));
  program
    .command("__complete", { hidden: true })
    .argument("<shell>")
    .argument("[words...]")
    .helpOption(false)
    .action(async (shell, words, _opts, cmd: Command) => (await import("./commands/completion.js")).complete(io, cmd.parent!, shell, words ?? []));
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
    .option("--admin-key <file>", "adopt an existing identity: an age key file, an SSH private key (e.g. ~/.ssh/id_ed25519), or a plugin's identity stub (age-plugin-yubikey)")
    .option("--key-out <file>", "where to create the new admin key (default: ~/.config/nixsec/keys/REPO-NAME.key)")
    .option("--secrets-dir <dir>", "directory for encrypted files (default: secrets)")
    .addOption(new Option("--backend <backend>", "the NixOS module that decrypts on the hosts (settings.backend; a host may name its own)").choices(["agenix", "sops-nix"]).default("agenix"))
    .addHelpText("after", examples(["nixsec init", "nixsec init --backend sops-nix", "nixsec init --admin alice --admin-key ~/.ssh/id_ed25519"]))
    .action(async (opts) => (await import("./commands/init.js")).init(io, opts));

  for (const kind of ["admin", "host"] as const) {
    const group = program.command(kind).description(kind === "admin" ? "people who can decrypt every secret" : "machines that decrypt their secrets with their SSH host key");
    const keyOpts = (c: Command) =>
      storeOptions(c)
        .option("--key <key>", kind === "host" ? "the host's public key: \"ssh-ed25519 AAAA…\" (/etc/ssh/ssh_host_ed25519_key.pub)" : "the admin's public key: age1…, a hardware key's age1tag1… / age1yubikey1…, or \"ssh-ed25519 AAAA…\"")
        .option("--key-file <file>", "read the public key from a .pub file")
        .option("--no-rekey", "only change the manifest; do not re-encrypt affected secrets");
    const add = keyOpts(group.command("add").argument("<name>").description(`add a${kind === "admin" ? "n admin" : " host"}`));
    if (kind === "host") add.addOption(new Option("--backend <backend>", "the NixOS module that decrypts on this host (default: settings.backend)").choices(["agenix", "sops-nix"]));
    add
      .addHelpText("after", examples(kind === "host" ? ["nixsec host add hannibal --key-file hannibal.pub", "nixsec host add storage2 --backend sops-nix --key \"$(ssh-keyscan -t ed25519 storage2 | cut -d' ' -f2-)\""] : ["nixsec admin add bob --key age1…"]))
      .action(async (name, opts) => withWriteLock(io, opts, `${kind} add ${name}`, async () => (await import("./commands/principals.js")).principalAdd(io, kind, name, opts)));
    keyOpts(group.command("set-key").argument("<name>").description(`replace a${kind === "admin" ? "n admin's" : " host's"} key (a reinstalled host) and re-encrypt what it reads`))
      .addHelpText("after", examples([`nixsec ${kind} set-key ${kind === "host" ? "hannibal --key-file hannibal.pub" : "alice --key age1…"}`]))
      .action(async (name, opts) => withWriteLock(io, opts, `${kind} set-key ${name}`, async () => (await import("./commands/principals.js")).principalSetKey(io, kind, name, opts)));
    storeOptions(group.command("rm").argument("<name>").description(`remove a${kind === "admin" ? "n admin" : " host"} and re-encrypt what it could read`))
      .option("--force", kind === "host" ? "also remove the host from the secrets that list it" : "remove the admin even if it is your own key")
      .option("--no-rekey", "only change the manifest")
      .addHelpText("after", examples([`nixsec ${kind} rm ${kind === "host" ? "oldbox --force" : "bob"}`]))
      .action(async (name, opts) => withWriteLock(io, opts, `${kind} rm ${name}`, async () => (await import("./commands/principals.js")).principalRm(io, kind, name, opts)));
    if (kind === "host") {
      storeOptions(group.command("set-backend").argument("<name>").argument("<backend>", "agenix or sops-nix").description("move a host to another backend: its secrets get files in that backend's format (agenix: .age, sops-nix: .sops.bin)"))
        .option("--no-rekey", "only change the manifest; `nixsec rekey` writes the files later")
        .addHelpText("after", examples(["nixsec host set-backend storage2 sops-nix", "nixsec host set-backend storage2 agenix"]) + `
The values stay; each secret the host reads gets a file in the new format,
made from the value in its current file, and a file no host reads any more
is removed. On the host, import the other backend's NixOS module (sops-nix:
sops-nix.nixosModules.sops) and run \`nixsec gen\` before deploying.
`)
        .action(async (name, backend, opts) => withWriteLock(io, opts, `host set-backend ${name}`, async () => (await import("./commands/principals.js")).hostSetBackend(io, name, backend, opts)));
    }
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
    .option("--max-age <duration>", "rotate within this long (12h, 90d, 8w, 1y); `nixsec status` reports it when due")
    .option("--stdin", "read the value from standard input (bytes kept exactly, newline included)")
    .option("--from-file <file>", "read the value from a file")
    .option("--allow-empty", "accept an empty value from --stdin or --from-file (refused otherwise)")
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
      "nixsec add wireguard/hannibal --host hannibal --generate wireguard --max-age 1y",
    ]) + `
Modes that give other users any access (a last digit other than 0, such as
0644 or 0777) are refused: share a secret with a group (--group, --mode 0440).
An env secret (--format env) must be NAME=value lines, as systemd reads an
EnvironmentFile; a secret wired to --user-password must be a crypt(3) hash.
`)
    .action(async (name, opts) => withWriteLock(io, opts, `add ${name}`, async () => (await import("./commands/secrets.js")).secretAdd(io, name, opts)));

  storeOptions(program.command("show").argument("<name>").description("print a secret's value (or a template rendered with the current values) to stdout; refuses binary to a terminal"))
    .option("--public", "print the public key of a WireGuard or SSH private key secret instead (derived from it)")
    .addHelpText("after", examples(["nixsec show withings/clientSecret", "nixsec show disk/unlock > key.bin", "nixsec show wireguard/hannibal --public", "nixsec show cifs/alice"]))
    .action(async (name, opts) => (await import("./commands/secrets.js")).secretShow(io, name, opts));

  storeOptions(program.command("edit").argument("<name>").description("edit a secret in $VISUAL/$EDITOR (buffer on tmpfs, mode 0600, removed afterwards)"))
    .addHelpText("after", examples(["nixsec edit withinbot/env", "EDITOR='code --wait' nixsec edit withings/clientSecret"]))
    .action(async (name, opts) => (await import("./commands/secrets.js")).secretEdit(io, name, opts));

  storeOptions(program.command("list").description("list secrets: hosts, owner:group, mode, format, file, when the value last changed"))
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
    .option("--user-password <user>", "set users.users.USER.hashedPasswordFile (the secret must be a crypt(3) hash)")
    .option("--initrd <path>", "copy the secret into the initrd at PATH (boot.initrd.secrets); see the caveats below")
    .addOption(new Option("--host <host>", "only on this host (repeatable; default: every host of the secret that has the consumer)").argParser(collect))
    .addOption(new Option("--restart <unit>", "also restart UNIT when the value changes (repeatable)").argParser(collect))
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
      "nixsec wire samba/alice --samba-user alice --host storage2",
      "nixsec wire nginx/htpasswd --option 'services.nginx.virtualHosts.\"a.example.com\".basicAuthFile'",
      "nixsec wire disk/initrdSshKey --initrd /etc/secrets/initrd/ssh_host_ed25519_key",
      "nixsec wire withings/clientSecret --list",
    ]) + `
NAME is a secret or a template (nixsec template add). Consumers restart when
the value changes: units given with --credential, --environment-file, --samba-user
and --restart, and the service owning an --option (services.NAME.… → NAME).
A unit, user or option a host does not have is an error on that host's
deploy when the wire names the host (--host) or the secret has one host;
otherwise the wire applies to the hosts that have it.

--credential-env refuses variables that change how a program starts or loads
code (PATH, HOME, LD_*, NODE_OPTIONS, PYTHONPATH, PERL5LIB, BASH_ENV, …; the
full list is in the README).

--initrd: the initrd is stored on the boot partition, readable by anyone with
the disk, so only put there what must be there (a LUKS key file, the initrd's
own SSH host key). The value is copied when the boot loader is installed,
which on a first deploy happens before the secret is decrypted: deploy twice
(or nixos-rebuild test, then switch). A rotated value reaches the initrd on
the deploy after the rotation.
`)
    .action(async (name, opts) => (wireWrites(opts) ? withWriteLock(io, opts, `wire ${name}`, async () => (await import("./commands/wire.js")).wire(io, name, opts)) : (await import("./commands/wire.js")).wire(io, name, opts)));

  storeOptions(program.command("gen").description("write the generated Nix (data for the nixsec module, agenix secrets.nix)"))
    .option("--check", "write nothing; exit 1 if a generated file is stale (for CI and pre-commit)")
    .addHelpText("after", examples(["nixsec gen", "nixsec gen --check"]))
    .action(async (opts) => (!opts.check ? withWriteLock(io, opts, "gen", async () => (await import("./commands/wire.js")).gen(io, opts)) : (await import("./commands/wire.js")).gen(io, opts)));

  for (const verb of ["grant", "revoke"] as const) {
    storeOptions(program.command(verb).argument("<name>").description(verb === "grant" ? "let hosts read an existing secret (re-encrypts only its file)" : "stop hosts reading a secret (re-encrypts only its file; prints the rotate line)"))
      .addOption(new Option("--host <host>", verb === "grant" ? "the host to give access (repeatable)" : "the host to take off (repeatable)").argParser(collect))
      .option("--no-rekey", "only change the manifest")
      .addHelpText("after", examples(verb === "grant" ? ["nixsec grant samba/alice --host hannibal"] : ["nixsec revoke samba/alice --host hannibal"]) + (verb === "revoke" ? `
A revoked host may have kept the value (or its ciphertext, from git history):
rotate it with the line printed at the end.
` : ""))
      .action(async (name, opts) => withWriteLock(io, opts, `${verb} ${name}`, async () => (await import("./commands/grant.js"))[verb](io, name, opts)));
  }

  const template = program.command("template").description("files rendered on the host from text with {{ nixsec:SECRET }} placeholders (never in the Nix store)");
  storeOptions(template.command("add").argument("<name>", "template name, a path like app/config").description("add a template (or replace it with --force)"))
    .addOption(new Option("--host <host>", "host that renders it (repeatable; it must read every secret the template names)").argParser(collect))
    .option("--from-file <file>", "the template text: a file in the repository (recorded by path)")
    .option("--stdin", "the template text from standard input (kept inline in nixsec.yaml)")
    .option("--owner <user>", "owner of the rendered file (default: root)")
    .option("--group <group>", "group of the rendered file")
    .option("--mode <mode>", "mode of the rendered file, e.g. 0400 (default) or 0440")
    .option("--description <text>", "what the file is for")
    .option("--force", "replace an existing template")
    .addHelpText("after", examples([
      "nixsec template add cifs/alice --host hannibal --from-file templates/cifs-alice",
      "printf 'DATABASE_URL=postgres://app:{{ nixsec:db/password }}@db/app\\n' | nixsec template add app/env --host hannibal --stdin",
    ]) + `
Placeholders {{ nixsec:SECRET }} are replaced by the secret's value, byte for
byte (store values without a trailing newline where that matters). The host
renders the file at activation into /run/nixsec/templates/NAME (owner, mode as
given), after agenix has decrypted; consumers wire to it as to a secret
(nixsec wire NAME …) and restart when the text or a value changes.
`)
    .action(async (name, opts) => withWriteLock(io, opts, `template add ${name}`, async () => (await import("./commands/template.js")).templateAdd(io, name, opts)));
  storeOptions(template.command("list").description("list templates: hosts, owner, mode, text, the secrets they insert"))
    .option("--json", "print JSON")
    .action(async (opts) => (await import("./commands/template.js")).templateList(io, opts));
  storeOptions(template.command("rm").argument("<name>").description("remove a template"))
    .action(async (name, opts) => withWriteLock(io, opts, `template rm ${name}`, async () => (await import("./commands/template.js")).templateRm(io, name, opts)));

  storeOptions(program.command("rm").argument("<name>").description("remove a secret and its file"))
    .addHelpText("after", examples(["nixsec rm old/token"]))
    .action(async (name, opts) => withWriteLock(io, opts, `rm ${name}`, async () => (await import("./commands/secrets.js")).secretRm(io, name, opts)));
}
