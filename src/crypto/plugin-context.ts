// What a plugin needs from the program that runs it: the environment to find
// it in (PATH) and run it with, a user interface for its questions, and how
// long it may stay silent. The core never touches the terminal: the CLI
// builds the PluginUi from its prompt layer (src/cli/prompt.ts) and passes it
// down. Identities receive it when loaded; recipients are parsed deep in the
// store from manifest strings, so the CLI also installs it as this run's
// default (setPluginContext) before it opens a store.

export interface PluginUi {
  /** Shows a message from plugin `name` ("touch your YubiKey"); false: it could not be shown. */
  message(name: string, text: string): boolean | Promise<boolean>;
  /**
   * Asks the user for a value (masked when `secret`). null: it cannot be
   * asked here (no terminal), and the plugin is told so (`fail`). May throw
   * (Ctrl-C), which stops the plugin and the command.
   */
  requestValue(name: string, prompt: string, secret: boolean): Promise<string | null>;
  /** A choice between `yes` and (when given) `no`; null: it cannot be asked here. */
  confirm(name: string, prompt: string, yes: string, no: string | undefined): Promise<boolean | null>;
  /** The plugin has been silent for a while, presumably waiting for a touch. Called once per wait. */
  waiting?(name: string): void;
}

export interface PluginContext {
  /** The plugin's environment; age-plugin-NAME is looked up in its PATH (absolute entries only). */
  env: Record<string, string | undefined>;
  ui: PluginUi;
  /** How long a plugin may stay silent (while nobody is typing) before it is stopped; default 60 s. */
  timeoutMs?: number;
  /** Silence after which ui.waiting is called; default 3 s. */
  waitNoticeMs?: number;
}

/** A UI that cannot ask anything: what a library caller without a user gets. */
export const silentPluginUi: PluginUi = {
  message: () => false,
  requestValue: async () => null,
  confirm: async () => null,
};

let runContext: PluginContext | undefined;

/** Installs the context used by plugin recipients and identities created without one (the CLI does, once per run). */
export function setPluginContext(ctx: PluginContext | undefined): void {
  runContext = ctx;
}

export function pluginContext(explicit?: PluginContext): PluginContext | undefined {
  return explicit ?? runContext;
}

// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[^[\]])/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * A plugin's text made safe to show on a terminal: escape sequences (which
 * could rewrite the screen) are dropped, other control characters become
 * spaces, and it is cut to `max` characters.
 */
export function printableText(bytes: Uint8Array | string, max = 300): string {
  const s = typeof bytes === "string" ? bytes : Buffer.from(bytes).toString("utf8");
  const clean = s.replace(ESCAPE, "").replace(CONTROL, " ").trim();
  return clean.length > max ? clean.slice(0, max - 1) + "…" : clean;
}
