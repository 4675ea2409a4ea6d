// One error type for everything the user can be told about. The core throws it;
// only src/cli/ turns it into words on stderr and an exit code.

/** The exit-code table, documented in `nixsec --help`. */
export const ExitCode = {
  ok: 0,
  findings: 1,
  usage: 2,
  internal: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface NixsecErrorOptions {
  /** One or more `hint:` lines: what to do next, naming the flag or file. */
  hint?: string | string[];
  exitCode?: ExitCode;
  cause?: unknown;
}

/**
 * A failure the user caused or can fix. The message is lower-case, has no
 * trailing period and never contains secret material.
 */
export class NixsecError extends Error {
  readonly hints: string[];
  readonly exitCode: ExitCode;

  constructor(message: string, options: NixsecErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "NixsecError";
    this.hints = options.hint === undefined ? [] : Array.isArray(options.hint) ? options.hint : [options.hint];
    this.exitCode = options.exitCode ?? ExitCode.usage;
  }
}

/** The user pressed Ctrl-C at a prompt. */
export class InterruptedError extends NixsecError {
  constructor() {
    super("interrupted", { exitCode: ExitCode.interrupted });
    this.name = "InterruptedError";
  }
}
