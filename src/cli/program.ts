// The command tree. Each action loads its module lazily, so `nixsec audit`
// in a pre-commit hook does not pay for the crypto stack, and vice versa.
import { Command, Option } from "commander";
import type { Io } from "./io.js";
import { printError } from "./output.js";

export const VERSION = "0.1.0";

const EXIT_CODES = `
Exit codes:
  0    success
  1    audit findings
  2    usage error or bad input (the message names the flag or file)
  3    internal error (please report it)
  130  interrupted (Ctrl-C)

Environment:
  NO_COLOR     disable colour (colour is only used on a terminal anyway)
  FORCE_COLOR  force colour`;

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

function examples(lines: string[]): string {
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

  return program;
}
