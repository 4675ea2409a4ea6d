// dotenv as sops reads and writes it (stores/dotenv): one KEY=value per
// line split at the first "=", nothing trimmed or unquoted, "#" lines as
// comments, a newline in a value written as the two characters \n (and
// every \n read back as a newline). Metadata is flattened into `sops_…` keys.
import { SopsError } from "./errors.js";
import { unflatten, type FlatItem } from "./flatten.js";
import { checkSize, LIMITS } from "./limits.js";
import { Branch, Comment } from "./tree.js";
import { flatText } from "./value.js";

const PREFIX = "sops_";

/** The lines of a dotenv file as one flat map (keys and comments in order). */
export function readDotenv(bytes: Uint8Array, file: string): Branch {
  checkSize(bytes, LIMITS.otherBytes, file);
  const text = new TextDecoder("utf-8").decode(bytes);
  const items: Branch["items"] = [];
  text.split("\n").forEach((line, i) => {
    if (line.length === 0) return;
    if (line[0] === "#") {
      items.push(new Comment(line.slice(1)));
      return;
    }
    const eq = line.indexOf("=");
    // The line is not echoed: it may hold a secret.
    if (eq < 0) throw new SopsError("format", `${file}:${i + 1}: not a KEY=value line`, { hint: "dotenv lines are KEY=value or # comments" });
    items.push({ key: line.slice(0, eq), value: line.slice(eq + 1).replaceAll("\\n", "\n") });
  });
  return new Branch(items);
}

/** dotenv text of a flat map; a nested value is an error naming its key. */
export function emitDotenv(b: Branch, file: string): string {
  let out = "";
  for (const it of b.items) {
    if (it instanceof Comment) {
      out += `#${it.text}\n`;
      continue;
    }
    const v = it.value;
    if (v instanceof Branch || Array.isArray(v)) {
      throw new SopsError("format", `${file}: cannot write a nested value in a dotenv file (key ${it.key})`, { hint: "use --output-type yaml or json for nested data" });
    }
    out += `${it.key}=${typeof v === "string" ? v.replaceAll("\n", "\\n") : flatText(v)}\n`;
  }
  return out;
}

/** Splits `sops_…` keys (the flattened metadata) from the data. */
export function splitDotenvMetadata(b: Branch, file: string): { data: Branch; flat: FlatItem[] } {
  const data: Branch["items"] = [];
  const flat: FlatItem[] = [];
  for (const it of b.items) {
    if (!(it instanceof Comment) && it.key.startsWith(PREFIX)) flat.push([it.key.slice(PREFIX.length), it.value]);
    else data.push(it);
  }
  if (flat.length === 0) throw new SopsError("format", `${file}: sops metadata not found (no sops_… lines)`, { hint: "is this a sops-encrypted dotenv file?" });
  unflatten(flat, file); // validates the keys early
  return { data: new Branch(data), flat };
}

/** The data followed by the flattened metadata lines. */
export function joinDotenvMetadata(data: Branch, flat: FlatItem[], file: string): Branch {
  for (const it of data.items) {
    if (!(it instanceof Comment) && it.key.startsWith(PREFIX)) {
      throw new SopsError("format", `${file}: the key ${it.key} starts with "${PREFIX}", which sops reserves for its metadata`, { hint: "rename the key" });
    }
  }
  return new Branch([...data.items, ...flat.map(([k, v]) => ({ key: PREFIX + k, value: v }))]);
}
