// Values that are secrets by where they come from, not by how they look: an
// attribute of a set of secrets (`secrets.dbPassword` where `secrets` is a
// module argument, `creds.wlanPass` where `creds = import ./load-creds.nix`,
// `ghToken` under `with creds;`), or a file's contents read at evaluation
// (`let pw = builtins.readFile ./vault/pw`). Wherever such a value is written
// into text (a unit, /etc, a writer) or a secret option, it is in the store
// in plaintext (issue 15: "flow through bindings and functions").
import type { Node } from "../nix/index.js";
import { type Scope, calleeName, pathText, refPath } from "./fold.js";
import { isSecretPathText } from "./words.js";

// Names of sets that hold secret values (a `secrets` module argument, `creds`, `vault`, `mySecrets`).
const SECRET_SET = /^(?:\w*[Ss]ecrets|creds|credentials|vault|passwords|private\w*)$/
// Attributes that are not the value: paths to it, its metadata, public halves, addresses, and
// what people keep private in such a set without it being a credential: the network's layout
// (`networks.iot.prefix`, `lan.interface`, a MAC) and ids of things (a Home Assistant entity).
const NOT_VALUE = /(?:File|Path|file|path|Files|Paths|Dir|dir|^name|Name|^owner|^group|^mode|^format|[Pp]ub(?:lic)?(?:Keys?)?|^pub|[Ee]ndpoint|[Hh]ost(?:[Nn]ame)?$|^user(?:name)?$|[Uu]rl|URL|^port$|[Aa]ddress|[Dd]omain|[Ee]mail|[Ii]d$|[Ee]ntity|[Pp]refix|[Ii]nterface|^iface|[Ss]ubnet|[Cc]idr|[Nn]etmask|[Gg]ateway|^mac|[Vv]lan)$/;
// Secret managers whose attributes are paths or placeholders, never values.
const MANAGERS = new Set(["age", "sops", "agenix", "vaultix", "clan", "deployment", "inputs", "self", "options"]);
const READERS = new Set(["readFile", "fileContents", "importJSON", "importTOML", "import"]);

/** Whether a call reads a secret-named file at evaluation (`import ./load-creds.nix`, `readFile ./vault/token`). */
function readsSecretFile(node: Node): boolean {
  if (node.type !== "Call" || node.args.length === 0) return false;
  const name = calleeName(node.fn);
  let arg = node.args[node.args.length - 1]!;
  if (name === "fromJSON" || name === "fromTOML") return arg.type === "Call" && readsSecretFile(arg);
  if (!name || !READERS.has(name)) return false;
  if (arg.type !== "Path") return false;
  const text = pathText(arg).replace(/\.nix$/, "");
  if (/(?:^|\/)secrets$/.test(text)) return false; // agenix's secrets.nix lists recipients
  // an imported Nix file named `keys` mostly lists public keys: only words that say secret count for an import
  if (name === "import") return /secret|passw|cred|token|vault|private|psk/i.test(text.slice(text.lastIndexOf("/") + 1)) || /(?:^|\/)(?:vault|private)\//i.test(text);
  return isSecretPathText(text);
}

/**
 * If the expression reads a secret's value, a short rendering of it
 * (`secrets.ssoKey`, `creds.ghToken`); else null. Follows `let` aliases and
 * `with` environments.
 */
export function secretRef(node: Node, scope: Scope | null, depth = 0): string | null {
  if (depth > 10 || !scope) return null;
  if (node.type === "Var") {
    const e = scope.lookup(node.name);
    if (e) {
      if (e.node === null) return SECRET_SET.test(node.name) ? node.name : null; // a module argument or formal
      // bound to a file read: that read is reported where it is written (read-secret-at-eval), not at each use;
      // an imported set of secrets is reported where its values are used
      if (readsSecretFile(e.node)) return e.node.type === "Call" && calleeName(e.node.fn) === "import" ? node.name : null;
      if (e.node.type === "Var" || e.node.type === "Select") return secretRef(e.node, e.scope, depth + 1) ? node.name : null;
      return null;
    }
    // not bound lexically: an attribute of an enclosing `with` set of secrets?
    for (let s: Scope | null = scope; s; s = s.parent) {
      if (s.with && (secretRef(s.with.node!, s.with.scope, depth + 1) || readsSecretFile(s.with.node!))) return node.name;
    }
    return null;
  }
  if (node.type === "Select") {
    const last = node.path[node.path.length - 1]?.name;
    if (!last || NOT_VALUE.test(last)) return null;
    const p = refPath(node, scope);
    if (!p || p.some((x) => MANAGERS.has(x))) return null;
    const base = node.expr;
    if (base.type === "Var" && base.name === "config" && node.path.length > 1 && SECRET_SET.test(node.path[0]!.name ?? "")) return p.join(".");
    if (base.type === "Call" && readsSecretFile(base)) return p.join(".");
    if ((base.type === "Var" || base.type === "Select") && secretRef(base, scope, depth + 1)) return p.join(".");
    return null;
  }
  if (node.type === "Call") return readsSecretFile(node) ? "…" : null;
  return null;
}
