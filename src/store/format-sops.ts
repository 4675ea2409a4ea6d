// sops files (`<name>.sops.bin`), which sops-nix hosts decrypt: one secret
// per file in sops' binary format (src/sops/README.md, "For the store"), with
// `format = "binary"` on the host. The data key is wrapped to each reader
// as its own armored age file (`sops.age[]`), each naming its recipient, so
// a file shows exactly who reads it without a key.
//
// Readers: sops-nix hosts decrypt with their SSH host key converted to age
// (`sops.age.sshKeyPaths`, ssh-to-age), so an ssh-ed25519 key is written as
// its X25519 recipient, for hosts and admins alike (`sops -d` with the
// converted key, and nixsec with the SSH key itself, both open it). An
// ssh-rsa key has no such conversion and is refused. age1… keys, tag and
// plugin recipients are written as they are.
//
// A change of readers re-wraps the data key only (values, MAC and
// lastmodified stay: `git diff` shows the recipients). A new value always
// gets a new data key (`seal`), so a reader removed before it cannot read it
// with a data key kept from earlier.
//
// The sops engine's store entry (binary files, no YAML reader) is loaded
// only when a store has sops files: `ready()`.
import { sshToAgeRecipient } from "../crypto/index.js";
import { NixsecError } from "../errors.js";
import { sameList, type ReaderSummary, type SecretFormat, type SopsSummary, type Work } from "./format.js";

type Engine = typeof import("../sops/binary.js");
let engine: Engine | undefined;

async function load(): Promise<Engine> {
  engine ??= await import("../sops/binary.js");
  return engine;
}

function loaded(): Engine {
  if (!engine) throw new Error("internal: the sops engine is not loaded (SecretFormat.ready)");
  return engine;
}

const recipients = new Map<string, string>();

/** The recipient a manifest key is written as in sops files (cached: conversions repeat for every file). */
function recipientOf(key: string): string {
  let r = recipients.get(key);
  if (r === undefined) {
    const s = key.trim();
    if (s.startsWith("ssh-rsa")) {
      throw new NixsecError("an ssh-rsa key cannot read sops files: sops-nix decrypts with the host's ed25519 key converted to age (ssh-to-age), and RSA keys have no such conversion", {
        hint: "use the ssh-ed25519 host key (/etc/ssh/ssh_host_ed25519_key.pub) or an age1… key; or keep that host on agenix (hosts.NAME.backend: agenix)",
      });
    }
    r = s.startsWith("ssh-ed25519") ? sshToAgeRecipient(s) : s.split(/\s+/)[0]!.toLowerCase();
    recipients.set(key, r);
  }
  return r;
}

/** The readers a file's metadata names. */
function summaryOf(md: { keyGroups: Array<{ age: Array<{ recipient: string }>; others: unknown[] }> }): SopsSummary {
  const [first, ...rest] = md.keyGroups;
  const others = md.keyGroups.reduce((n, g) => n + g.others.length, 0);
  return { recipients: (first?.age ?? []).map((a) => a.recipient).sort(), foreign: rest.length + others };
}

const summary = (s: ReaderSummary): SopsSummary => {
  if (!("recipients" in s)) throw new Error("internal: not a sops summary");
  return s;
};

type AgeEntry = { recipient: string; enc: string };

/**
 * The age entries for `to`, in that order: those in `kept` as they are, the
 * others from the pool's result (one armored age file each, in order).
 */
function entries(result: Uint8Array | Uint8Array[], to: string[], kept: Map<string, string> = new Map()): AgeEntry[] {
  const wrapped = Array.isArray(result) ? [...result] : [];
  if (wrapped.length !== to.filter((r) => !kept.has(r)).length) throw new Error("internal: a sops key wrap returned the wrong number of entries");
  return to.map((recipient) => {
    const enc = kept.get(recipient) ?? Buffer.from(wrapped.shift()!).toString("utf8");
    return { recipient, enc };
  });
}

/** The key wraps of a data key: one file per recipient, armored, as sops stores them. */
function wrapJob(dataKey: Uint8Array, to: string[]): Work["job"] {
  return { plaintext: dataKey, recipients: to, armor: true, perRecipient: true };
}

export const sopsFormat: SecretFormat = {
  id: "sops",
  backend: "sops-nix",
  extension: ".sops.bin",
  noun: "sops file",
  ready: async () => void (await load()),
  keyId: recipientOf,
  recipient: recipientOf,
  seal(value, to, file) {
    const dataKey = loaded().newDataKey();
    return {
      job: wrapJob(dataKey, to),
      async finish(result) {
        try {
          return await loaded().encryptSecretFile(value, [], { file, wrapped: { dataKey, age: entries(result, to) } });
        } finally {
          dataKey.fill(0);
        }
      },
    };
  },
  async open(bytes, identities, file) {
    const { value, opened } = await (await load()).openSecretFile(bytes, identities, file);
    return {
      value,
      summary: summaryOf(opened.metadata),
      rewrap(to, fresh) {
        const dataKey = new Uint8Array(opened.secret.dataKey);
        // A reader the file has keeps its entry: the diff shows the readers that changed.
        const kept = new Map<string, string>();
        if (!fresh) for (const g of opened.metadata.keyGroups.slice(0, 1)) for (const e of g.age) if (to.includes(e.recipient)) kept.set(e.recipient, e.enc);
        return {
          job: wrapJob(dataKey, to.filter((r) => !kept.has(r))),
          async finish(result) {
            try {
              return loaded().rewrapOpened(opened, entries(result, to, kept), { file });
            } finally {
              dataKey.fill(0);
            }
          },
        };
      },
    };
  },
  async preload(files, identities) {
    const e = await load();
    const mds = files.flatMap((bytes) => {
      try {
        return [e.inspectSops(bytes, { file: "", format: "binary" }).metadata];
      } catch {
        return []; // reported when the file is opened
      }
    });
    await e.preloadDataKeys(mds, identities);
  },
  summarize(bytes) {
    try {
      return summaryOf(loaded().inspectSops(bytes, { file: "", format: "binary" }).metadata);
    } catch (err) {
      if (err instanceof loaded().SopsError) return null;
      throw err;
    }
  },
  fits: (s, ids) => summary(s).foreign === 0 && sameList(summary(s).recipients, [...ids].sort()),
  proves: (s, ids) => sopsFormat.fits(s, ids),
  strangers(s, ids) {
    const wanted = new Set(ids);
    return summary(s).recipients.filter((r) => !wanted.has(r)).map((r) => `age recipient ${r.length > 24 ? r.slice(0, 20) + "…" : r}`);
  },
  failure(err) {
    if (!engine || !(err instanceof engine.SopsError)) return null;
    return err.kind === "no-match" ? "no-match" : "broken";
  },
};
