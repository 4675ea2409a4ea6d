// Command lines that run so often that commander's start-up is worth skipping:
// the pre-commit hook (`nixsec audit --staged`, .pre-commit-hooks.yaml), where
// loading and building the whole program is ~20 ms of a ~100 ms run. Each
// entry is an exact argv and the arguments and options commander itself
// produces for it; test/cli/fast-path.test.ts parses every argv with the real
// program and compares, so the two cannot drift. Any other command line,
// including these with one more flag, goes through commander as usual.
import type { Io } from "./io.js";

interface FastPath {
  argv: readonly string[];
  /** What commander passes to the command's action: positional arguments, then options. */
  args: readonly unknown[];
  opts: Record<string, unknown>;
  run(io: Io, args: readonly unknown[], opts: Record<string, unknown>): Promise<void>;
}

export const FAST_PATHS: readonly FastPath[] = [
  {
    argv: ["audit", "--staged"],
    args: [[]],
    opts: { format: "text", staged: true },
    run: async (io, args, opts) => (await import("./commands/audit.js")).audit(io, args[0] as string[], opts),
  },
];

/** The action for exactly this argv, or null when commander must parse it. */
export function fastPath(argv: readonly string[]): ((io: Io) => Promise<void>) | null {
  const hit = FAST_PATHS.find((f) => f.argv.length === argv.length && f.argv.every((a, i) => a === argv[i]));
  // Fresh copies: a command may fill in its options object.
  return hit ? (io) => hit.run(io, structuredClone(hit.args), structuredClone(hit.opts)) : null;
}
