// Where an attribute path renders its value (a unit, /etc text, a script, a
// command line), how a path is shown, and the hint placeholders it fills.
import type { HintVars } from "./hit.js";
import type { SinkKind } from "./rule.js";
import { wireFor } from "./hints.js";
import { memoKey } from "./words.js";

// A derivation's build steps: they run while building, and what they write is a store path.
const BUILD_KEYS = new Set(["buildCommand", "buildPhase", "installPhase", "configurePhase", "preBuild", "postBuild", "preInstall", "postInstall", "postFixup", "preFixup"]);
const SCRIPT_KEYS = new Set(["script", "preStart", "postStart", "preStop", "postStop", "reload", "reloadScript", "serviceScript"]);
const CONFIG_TEXT = /^(?:(?:extra|append|prepend)(?:Config|Conf|Text|Lines|Settings|Sections|Commands|Script|Init|Options)\w*|config|configText|settingsText|initExtra|profileExtra|interactiveShellInit|shellInit|loginShellInit|initrdCommands|\w+Commands|\w+Script|\w+Hook)$/;
// `extraFlags`, and with a word or two between for modules with several command lines
// (tailscale's `extraUpFlags`, `extraSetFlags`, `extraDaemonFlags`).
const FLAGS = /^(?:(?:extra|append)(?:[A-Z][a-z0-9]*){0,2})?(?:Flags|Args|Arguments|Opts|CommandLineArgs|CmdArgs|flags|args)$/;

export interface Sink {
  kind: SinkKind;
  /** What the sink is called (file name, unit, variable); safe to show. */
  name: string;
}

// The last-segment tests of sinkAt, memoised: most bindings are not sinks, and names repeat.
const lastKind = new Map<string, "flags" | "config-text" | "exec" | null>();
function kindOfLast(last: string): "flags" | "config-text" | "exec" | null {
  let k = lastKind.get(last);
  if (k === undefined) {
    k = /^Exec[A-Z]/.test(last) ? "exec" : FLAGS.test(last) ? "flags" : CONFIG_TEXT.test(last) ? "config-text" : null;
    if (lastKind.size < 50_000) lastKind.set(memoKey(last), k); // real repositories have tens of thousands of names
  }
  return k;
}

/** The sink an attribute path renders into, if any (paths are already `config.`-stripped). */
export function sinkAt(p: readonly string[]): Sink | null {
  const n = p.length;
  if (n === 0) return null;
  const last = p[n - 1]!, prev = p[n - 2] ?? "", prev2 = p[n - 3] ?? "";
  if (last === "testScript") return null; // test driver code, never on a deployed system
  if (last === "Environment" && prev === "serviceConfig") return { kind: "environment", name: prev2 };
  if ((prev === "environment" && n >= 3) || ((prev === "variables" || prev === "sessionVariables") && prev2 === "environment")
    || prev === "sessionVariables" || prev === "globalEnvironment" || prev === "environmentVariables") return { kind: "environment", name: last };
  if (last === "text" && (prev2 === "etc" || prev2 === "file" || prev2 === "files" || prev2 === "configFile" || prev2 === "dataFile")) return { kind: "etc-text", name: prev };
  if (prev === "activationScripts" || prev === "userActivationScripts" || (prev2 === "activationScripts" && last === "text") || (prev === "activation" && prev2 === "home")) {
    return { kind: "activation", name: last === "text" ? prev : last };
  }
  if (SCRIPT_KEYS.has(last) && (prev2 === "services" || p.includes("systemd"))) return { kind: "unit-script", name: prev };
  if (BUILD_KEYS.has(last)) return { kind: "build", name: prev || last };
  const k = kindOfLast(last);
  if (k === "exec") return { kind: "unit-exec", name: prev === "serviceConfig" ? prev2 : prev };
  if (k === "flags") return { kind: "flags", name: p.slice(-3).join(".") };
  if (k === "config-text") return { kind: "config-text", name: p.slice(-3).join(".") };
  return null;
}

/** Drops the `config.` of modules written as `{ options = …; config = …; }`. */
export function optionPath(path: readonly string[]): readonly string[] {
  return path[0] === "config" ? path.slice(1) : path;
}

export function hintVars(path: readonly string[]): HintVars {
  const p = optionPath(path);
  const option = p.join(".");
  const vars: HintVars = { option };
  const u = p.indexOf("users");
  if (u >= 0 && p[u + 1] === "users" && p[u + 2]) vars.user = p[u + 2];
  const s = p.indexOf("services");
  if (s >= 0 && p[s + 1] && p[s - 1] === "systemd") vars.unit = p[s + 1];
  const last = p[p.length - 1] ?? "value";
  if (vars.user && /password/i.test(last)) {
    vars.fileOption = p.slice(0, -1).concat("hashedPasswordFile").join(".");
    vars.wire = `--user-password ${vars.user}`;
    vars.secret = `users/${vars.user}/hashedPassword`;
  } else {
    vars.fileOption = /File$/.test(last) ? option : option + "File";
    vars.wire = wireFor(p, vars.unit);
    const owner = s >= 0 && p[s + 1] ? p[s + 1]! : p.length > 1 ? p[p.length - 2]! : "app";
    vars.secret = `${owner.replace(/[^A-Za-z0-9_-]/g, "-")}/${last.replace(/[^A-Za-z0-9_-]/g, "-")}`;
  }
  return vars;
}

export function quotePath(p: readonly string[]): string {
  return p.map((s) => (/^[A-Za-z_][A-Za-z0-9_'-]*$/.test(s) || s === "*" ? s : JSON.stringify(s))).join(".");
}

export const SINK_WHERE: Record<SinkKind, string> = {
  "etc-text": "a file in the Nix store",
  "config-text": "a config file in the Nix store",
  writer: "a store file",
  build: "a build script whose output is in the Nix store",
  activation: "the activation script in the Nix store",
  "unit-script": "a unit script in the Nix store",
  "unit-exec": "a unit command line",
  flags: "a command line",
  environment: "a unit's environment in the Nix store",
};

