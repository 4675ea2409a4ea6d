// Public keys as an import meets them: checked (a string that parses as
// neither an age recipient nor an SSH key stops the import), identified by
// key id (store/lock.ts: what the lock and rekey compare), shown short, and
// named when the source gives no name.
import { parseRecipient } from "../manifest/keys.js";
import { keyIdOf } from "../store/lock.js";
import type { Role } from "./types.js";

/** The key id of `key`, or why it is not a key a manifest may name. */
export function checkKey(key: string): { id: string } | { problem: string } {
  const r = parseRecipient(key);
  if ("problem" in r) return r;
  try {
    return { id: keyIdOf(key) };
  } catch (err) {
    return { problem: (err as Error).message };
  }
}

/** `ssh-ed25519 …L2zE root@host` / `age1wl3fq…80euxk`: enough to recognise a key, short enough for a plan. */
export function shortKey(key: string): string {
  const t = key.trim();
  if (t.startsWith("ssh-")) {
    const [type, blob = "", ...comment] = t.split(/\s+/);
    return `${type} …${blob.slice(-8)}${comment.length ? " " + comment.join(" ") : ""}`;
  }
  const k = t.split(/\s+/)[0]!;
  return k.length > 24 ? `${k.slice(0, 10)}…${k.slice(-6)}` : k;
}

/** The comment after an SSH key (`root@hannibal`), or "". */
export function keyComment(key: string): string {
  const t = key.trim();
  return t.startsWith("ssh-") ? t.split(/\s+/).slice(2).join(" ") : "";
}

/** An SSH host key's comment as ssh-keygen -A and NixOS's sshd write it: `root@HOST`. */
export function hostOfComment(key: string): string | undefined {
  const m = /^root@([A-Za-z0-9][A-Za-z0-9.-]*)$/.exec(keyComment(key));
  return m ? m[1]!.split(".")[0] : undefined;
}

/** `name` made into a principal name (`[A-Za-z0-9_][A-Za-z0-9._-]{0,62}`), or "" when nothing is left. */
export function principalName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[.-]+/, "").replace(/-+$/, "").slice(0, 63);
}

/** A name for a key the source leaves unnamed: from its comment, else its type and a few characters of its id. */
export function derivedName(key: string, role: Role): string {
  const comment = keyComment(key);
  const host = hostOfComment(key);
  if (role === "host" && host) return principalName(host);
  if (comment) {
    const [user, at] = comment.split("@");
    const fromComment = principalName(role === "host" ? (at ?? user ?? "") : (user ?? ""));
    if (fromComment && fromComment !== "root") return fromComment;
  }
  const id = keyIdOf(key);
  const tail = (id.startsWith("ssh-") ? id.split(":")[1]! : id).replace(/[^A-Za-z0-9]/g, "").slice(-6).toLowerCase();
  return `${role}-${tail}`;
}
