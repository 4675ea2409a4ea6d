// Registers the audit commands on the program (owned by the audit work; see program.ts).
import type { Command } from "commander";
import type { Io } from "./io.js";

export function registerAuditCommands(_program: Command, _io: Io): void {
  // Filled in by the audit issue.
}
