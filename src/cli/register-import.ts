// Registers `nixsec import agenix|nixops|sops-nix`.
import { Option, type Command } from "commander";
import type { Io } from "./io.js";
import { collect, examples } from "./program.js";

/** The flags every import takes. */
function importOptions(cmd: Command): Command {
  return cmd
    .option("--dir <dir>", "the repository root: where nixsec.yaml is or will be (default: found upwards, else the current directory)")
    .addOption(new Option("-i, --identity <file>", "with --rekey: an identity that decrypts the imported files (repeatable)").argParser(collect))
    .option("-n, --dry-run", "show the plan; write nothing")
    .option("-y, --yes", "write without asking (after looking at --dry-run)")
    .option("--json", "print the plan as JSON on stdout")
    .addOption(new Option("--admin <name>", "this key is an admin (by its name in the source or in the plan; repeatable)").argParser(collect))
    .addOption(new Option("--host <name>", "this key is a host (repeatable)").argParser(collect))
    .addOption(new Option("--name <name=which>", "call a key NAME; WHICH is its name in the source, the public key, or its SHA256: fingerprint (repeatable)").argParser(collect))
    .option("--admin-key <file>", "your private key (age key file, SSH key, plugin stub): an admin, recorded for this repository as `nixsec init --admin-key` does")
    .option("--secrets-dir <dir>", "a new repository's secrets directory (default: where the imported files are, else secrets)")
    .option("--prefix <prefix>", "put PREFIX before every imported secret's name (e.g. legacy/)")
    .option("--rekey", "re-encrypt the imported files whose readers must change (default: leave every file as it is)");
}

export function registerImportCommands(program: Command, io: Io): void {
  const group = program.command("import").description("bring secrets from agenix, sops-nix or NixOps/colmena into nixsec (shows the plan first)");
  importOptions(group.command("agenix").argument("[dir]", "the agenix store: the directory of secrets.nix (default: secrets/ or the root)").description("import an agenix/ragenix store (secrets.nix and its .age files) or an agenix-rekey store"))
    .option("--rules <file>", "the rules file (default: DIR/secrets.nix)")
    .option("--no-eval", "read secrets.nix without Nix even when nix-instantiate is installed (simple shapes only)")
    .addOption(new Option("--master <name=key>", "agenix-rekey (no rules file): a master identity's public key, which reads every file (repeatable)").argParser(collect))
    .option("--replace-rules", "let nixsec's generated secrets.nix (the same readers) replace the hand-written one")
    .addHelpText("after", examples([
      "nixsec import agenix secrets --dry-run",
      "nixsec import agenix secrets --admin-key ~/.ssh/id_ed25519 --replace-rules",
      "nixsec import agenix secrets --host laptop --name hannibal=system1",
      "nixsec import agenix secrets/master --admin-key ~/.config/agenix/master.age.txt   # agenix-rekey",
    ]) + `
Keys become admins or hosts: a key already in nixsec.yaml keeps its role;
--admin/--host decide; a key in a list named systems/hosts/machines/servers/
nodes, or an SSH host key (comment root@HOST), is a host; a key that reads
every secret is an admin; any other key is a host. Names come from the let
bindings of secrets.nix (user1 = "ssh-ed25519 …";), else a prompt, else the
key's comment. Files are adopted as they are (checked against their headers)
unless --rekey; a file outside <secretsDir>/NAME.age moves there.
`)
    .action(async (dir, opts) => (await import("./commands/import-sources.js")).importAgenix(io, dir, opts));
  importOptions(group.command("nixops").argument("<file>", "the NixOps network or colmena hive (.nix), parsed, never evaluated").description("import deployment.keys of a NixOps/colmena network: encrypt, wire, and list the lines to delete"))
    .addOption(new Option("--host-key <machine=key>", "a machine's host key: a .pub file or the key line (repeatable; default: the host of that name in nixsec.yaml)").argParser(collect))
    .addOption(new Option("--format <key=format>", "text, env or binary for KEY (or MACHINE.KEY), instead of guessing from its content and name (repeatable)").argParser(collect))
    .addOption(new Option("--environment-file <key=unit>", "KEY is UNIT's EnvironmentFile (repeatable)").argParser(collect))
    .addOption(new Option("--skip <key>", "leave KEY (or MACHINE.KEY) out (repeatable)").argParser(collect))
    .addHelpText("after", examples([
      "nixsec import nixops network.nix --dry-run",
      "nixsec import nixops network.nix --host-key chrysalis=chrysalis.pub --yes",
      "nixsec import nixops hive.nix --format db-password=text --skip legacy.vpn-key",
    ]) + `
Each machine must be a nixsec host (by name) or get --host-key. Values come
from text = builtins.readFile ./FILE, keyFile = ./FILE (inside the
repository, no links) or a text literal (never printed); keyCommand cannot be
imported. user/group/permissions become owner/group/mode. Where the machine
used /run/keys/KEY as an EnvironmentFile or a *File option, the secret is
wired there. The lines to delete are printed at the end; the plaintext stays
in git history: rotate those values.
`)
    .action(async (file, opts) => (await import("./commands/import-sources.js")).importNixops(io, file, opts));
  importOptions(group.command("sops-nix").argument("[files...]", "the sops files to import (default: every file a creation rule of .sops.yaml covers)").description("import a sops-nix repository: .sops.yaml and its sops files, one nixsec secret per value"))
    .option("--config <file>", "the sops configuration (default: .sops.yaml at the repository root)")
    .option("--replace-rules", "let nixsec's generated .sops.yaml (the readers of nixsec's files) replace the hand-written one")
    .addHelpText("after", examples([
      "nixsec import sops-nix --dry-run",
      "nixsec import sops-nix secrets/storage2.yaml -i ~/.config/sops/age/keys.txt --replace-rules",
      "nixsec import sops-nix --admin alice --name storage2=server_storage2",
    ]) + `
The files are decrypted (with -i, --admin-key, SOPS_AGE_KEY, SOPS_AGE_KEY_FILE
or ~/.config/sops/age/keys.txt, as sops looks; each MAC verified) and split:
each string of a YAML or JSON file becomes a secret named by its key path
(samba_passwords/michael, as sops.secrets names it), a binary, dotenv or INI
file one secret. Each is written as nixsec keeps secrets, one sops file per
value, for the hosts that read its file (on the sops-nix backend). Keys come
from the files' recipients, named by .sops.yaml's anchors (&admin_alice,
&server_storage2: the prefix gives the role), else a key that reads every
file is an admin. A list, a number, a PGP-only file or one no identity opens
stops the import (exit 2) naming it. The original files stay: delete them
after wiring the hosts to nixsec (the plan's last lines say so).
`)
    .action(async (files, opts) => (await import("./commands/import-sources.js")).importSopsNix(io, files, opts));
}
