// Registers `nixsec audit` (owned by the audit work; see program.ts). The
// action imports its module lazily, so other commands never load the scanner
// and the audit never loads the crypto stack.
import { Command, InvalidArgumentError, Option } from "commander";
import type { Io } from "./io.js";
import { collect, examples } from "./program.js";

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError("expected a whole number from 1 to 64");
  return n;
}

export function registerAuditCommands(program: Command, io: Io): void {
  program
    .command("audit")
    .description("find secrets that leak into the Nix store or git: reads Nix as Nix (options, let bindings, store writers, units, path literals)")
    .argument("[paths...]", "files or directories to scan (default: the repository root; one directory is scanned as its own root)")
    .addOption(new Option("-f, --format <format>", "report format").choices(["text", "json", "sarif"]).default("text"))
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .option("--staged", "scan the blobs staged for commit instead of the working tree (for pre-commit hooks)")
    .option("--baseline <file>", "report only findings that are not in this baseline")
    .option("--write-baseline <file>", "record the current findings as a baseline and exit 0")
    .addOption(new Option("--allow <glob>", "skip files matching GLOB (repeatable; see also .nixsec-audit.yaml)").argParser(collect))
    .addOption(new Option("--disable <rule>", "do not run RULE (repeatable)").argParser(collect))
    .option("--config <file>", "audit config to use (default: .nixsec-audit.yaml at the scanned root)")
    .option("--no-config", "ignore .nixsec-audit.yaml")
    .addOption(new Option("--min-severity <level>", "report only findings at or above LEVEL").choices(["low", "medium", "high"]))
    .option("--list-rules", "list the rules (with --format json: ids, descriptions and hints as JSON)")
    .addOption(new Option("-j, --jobs <n>", "threads for a whole-repository scan (default: half the CPUs, at most 4; 1 below 4 CPUs)").argParser(positiveInt))
    .option("--closure", "decrypt the managed secrets and search PATHS (a result link, store paths; links are followed) for their values, raw and encoded")
    .addOption(new Option("-i, --identity <file>", "admin identity for --closure (repeatable; default: NIXSEC_IDENTITY, then the key recorded by init)").argParser(collect))
    .addHelpText("after", `
Findings are written with the value redacted; the exit code is 0 when clean and
1 when something was found. Suppress one finding with a comment on its line
or the line above:  # nixsec:allow RULE reason

With a nixsec.yaml at the scanned root, the store is checked too: files in the
secrets directory that are not ciphertext or that the manifest does not know,
secrets without a file, stale generated Nix, and the recorded admin identity's
permissions. --closure searches a built system for the secrets' values (raw,
base64, hex, URL-encoded, JSON-escaped; values of 6 bytes or more) and names
the secret, never the value.
${examples([
  "nixsec audit",
  "nixsec audit hosts/hannibal.nix modules/",
  "nixsec audit --staged                      # in a pre-commit hook",
  "nixsec audit --format sarif -o nixsec.sarif",
  "nixsec audit --write-baseline .nixsec-baseline.json && nixsec audit --baseline .nixsec-baseline.json",
  "nixsec audit --allow 'tests/fixtures/**' --min-severity medium",
  "nixsec audit --list-rules",
  "nixsec audit --closure ./result            # after nix build …#nixosConfigurations.HOST.config.system.build.toplevel",
])}`)
    .action(async (paths: string[], opts) => (await import("./commands/audit.js")).audit(io, paths, opts));
}
