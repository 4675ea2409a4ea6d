// Registers the rotate commands on the program (owned by the rotate work; see program.ts).
import type { Command } from "commander";
import type { Io } from "./io.js";

export function registerRotateCommands(_program: Command, _io: Io): void {
  // Filled in by the rotate issue.
}
