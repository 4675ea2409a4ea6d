// Recipient labels: every recipient of one file must carry the same set of
// labels (C2SP age-plugin.md, `extension-labels`; age 1.3's
// RecipientWithLabels). The one that matters: post-quantum recipients
// (`age1pq1…`, `age1tagpq1…`) carry "postquantum" and classic ones carry
// none, so a file is never written for both, which would leave it open to a
// quantum computer through the classic stanza while looking post-quantum.
// A plugin reports its labels while wrapping; a plugin that wants to stand
// alone (a passphrase, `-j batchpass`) reports a random one.
import { AgeError } from "./errors.js";

export const POSTQUANTUM = "postquantum";

export type LabelledKind = "x25519" | "mlkem768x25519" | "p256tag" | "mlkem768p256tag" | "ssh-ed25519" | "ssh-rsa" | "plugin";

/** The labels of a native recipient type; undefined for plugins (they say when wrapping). */
export function nativeLabels(kind: LabelledKind): string[] | undefined {
  switch (kind) {
    case "mlkem768x25519":
    case "mlkem768p256tag":
      return [POSTQUANTUM];
    case "plugin":
      return undefined;
    default:
      return [];
  }
}

/** A recipient as a message shows it: long keys shortened, SSH keys by type and comment. */
export function shortRecipient(text: string): string {
  const t = text.trim();
  if (t.startsWith("ssh-")) {
    const [type, blob = "", ...comment] = t.split(/\s+/);
    return `"${type} …${blob.slice(-8)}${comment.length ? " " + comment.join(" ") : ""}"`;
  }
  return t.length > 24 ? `${t.slice(0, 20)}…` : t;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Collects the labels of one file's recipients; throws at the first that does not fit the others. */
export class LabelCheck {
  private first: { who: string; labels: string[] } | undefined;

  add(who: string, labels: string[]): void {
    if (!this.first) {
      this.first = { who, labels };
      return;
    }
    if (sameSet(this.first.labels, labels)) return;
    throw incompatible(this.first, { who, labels });
  }
}

function incompatible(a: { who: string; labels: string[] }, b: { who: string; labels: string[] }): AgeError {
  const pqA = a.labels.includes(POSTQUANTUM);
  const pqB = b.labels.includes(POSTQUANTUM);
  if (pqA !== pqB) {
    const [pq, classic] = pqA ? [a, b] : [b, a];
    return new AgeError("key", `incompatible recipients: ${shortRecipient(pq.who)} is post-quantum and ${shortRecipient(classic.who)} is not; a file for both would be vulnerable to quantum computers, so age refuses to mix them`, {
      hint: "encrypt to post-quantum recipients only (age1pq1…, age1tagpq1…), or to classic ones only",
    });
  }
  return new AgeError("key", `incompatible recipients: ${shortRecipient(a.who)} and ${shortRecipient(b.who)} cannot share a file (labels [${a.labels.join(", ")}] and [${b.labels.join(", ")}])`, {
    hint: "a recipient that must stand alone (a passphrase, -j batchpass) is the only recipient of its file",
  });
}
