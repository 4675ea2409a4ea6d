// Opening the files a rekey rewrites (rekey-run.ts carries out the rest):
// each planned file is decrypted with the admin identity, in memory, and its
// new file's key wraps handed to the encryptor as soon as they are known, so
// encryption overlaps decryption. Plugins (a hardware key) are asked once
// per run: every file they must open goes to them in one session per format
// (format.preload), every key they must wrap in one session per plugin.
import path from "node:path";
import { wrapPluginRecipients, type LoadedIdentity, type ParsedRecipient } from "../crypto/index.js";
import { recipientCache, type EncryptJob } from "./encrypt-worker.js";
import { NixsecError } from "../errors.js";
import type { SecretFormat, Work } from "./format.js";
import type { LockEntry } from "./lock.js";
import type { FileFacts, PlanItem, ReasonKind } from "./rekey.js";
import type { Encryptor } from "./rekey-worker.js";
import { formFile, type Store } from "./store.js";

export interface RekeyProgress {
  phase: "decrypt" | "write";
  done: number;
  total: number;
}

/** Reasons under which the old lock entry did not describe the file (its value may differ). */
export const UNTRUSTED: ReadonlySet<ReasonKind> = new Set(["not-locked", "file-changed", "unreadable"]);

export interface Job {
  item: PlanItem;
  /** The file written, absolute and relative to the repository (for messages). */
  file: string;
  rel: string;
  /** The format's recipient strings for the item's readers. */
  recipients: string[];
  /** The file whose value is read: the item's own, or (new-format) another of the secret's. */
  source?: { format: SecretFormat; facts: FileFacts; entry?: LockEntry };
  value?: Uint8Array;
  work?: Work;
  ciphertext?: Promise<Uint8Array>;
}

/** The recipient sets of an encryption job's files: one for an age file, one per recipient for a sops data key's entries. */
function wrapLists(e: EncryptJob, parse: (keys: string[]) => ParsedRecipient[]): ParsedRecipient[][] {
  const all = parse(e.recipients);
  return e.perRecipient ? all.map((r) => [r]) : [all];
}

/**
 * Wraps the file keys of every plugin recipient (a hardware-key admin) of
 * these jobs in one session per plugin, and attaches them to the jobs.
 */
async function attachPluginWraps(jobs: EncryptJob[], parse: (keys: string[]) => ParsedRecipient[]): Promise<void> {
  const lists = jobs.map((e) => wrapLists(e, parse));
  const wraps = await wrapPluginRecipients(lists.flat());
  let at = 0;
  jobs.forEach((e, i) => {
    const mine = wraps.slice(at, (at += lists[i]!.length));
    if (e.perRecipient) e.pluginWraps = mine;
    else e.pluginWrap = mine[0] ?? null;
  });
}

/**
 * Opens every planned file, handing each job to the encryptor as soon as its
 * value (or data key) is known, so encryption overlaps decryption. Throws,
 * listing the files, if any cannot be opened, or if two files of one secret
 * hold different values.
 */
export async function decryptAll(store: Store, jobs: Job[], ids: LoadedIdentity[], encryptor: Encryptor, progress?: (p: RekeyProgress) => void): Promise<void> {
  const failed: string[] = [];
  const kinds = new Set<string>();
  // One plugin session per format for every file a plugin identity must
  // open: a hardware key asks for its PIN or touch once per run, not once per file.
  const byFormat = new Map<SecretFormat, Uint8Array[]>();
  for (const j of jobs) if (j.source) byFormat.set(j.source.format, [...(byFormat.get(j.source.format) ?? []), j.source.facts.bytes]);
  for (const [format, files] of byFormat) await format.preload(files, ids);
  // Likewise one session per plugin recipient (a hardware-key admin) for all
  // the new files' keys: then encryption waits until every file is open and
  // its wraps are known; without one it starts with the first file.
  const parse = recipientCache();
  const plugins = jobs.some((j) => parse(j.recipients).some((r) => r.kind === "plugin"));
  const start = (job: Job) => {
    const work = job.work!;
    job.ciphertext = encryptor.encrypt(work.job).then((r) => work.finish(r));
    job.ciphertext.catch(() => undefined); // awaited in order by the writer
  };
  const values = new Map<string, Uint8Array>();
  const diverged: string[] = [];
  for (const [i, job] of jobs.entries()) {
    const src = job.source;
    const rel = job.rel;
    try {
      if (!src) throw new NixsecError(`${rel}: missing`);
      const opened = await src.format.open(src.facts.bytes, ids, src.format === job.item.format ? rel : path.relative(store.root, formFile(store, job.item.secret, src.format)));
      job.value = opened.value;
      const seen = values.get(job.item.secret);
      if (seen && Buffer.compare(seen, opened.value) !== 0) diverged.push(job.item.secret);
      else values.set(job.item.secret, opened.value);
      // Keys are re-wrapped afresh for a file the lock does not vouch for, or with --all.
      const fresh = job.item.reasons.some((r) => UNTRUSTED.has(r.kind) || r.kind === "header-mismatch" || r.kind === "forced");
      job.work = job.item.from ? job.item.format.seal(opened.value, job.recipients, rel) : opened.rewrap(job.recipients, fresh);
      if (!plugins && failed.length === 0 && diverged.length === 0) start(job);
    } catch (err) {
      const why = src ? src.format.failure(err) : "broken";
      if (why === null) throw err; // a plugin's or a passphrase's failure is the news, not the files
      failed.push(job.item.secret);
      kinds.add(why);
    }
    progress?.({ phase: "decrypt", done: i + 1, total: jobs.length });
    // Decryption resolves through microtasks only; yield now and then so the
    // workers' messages (ready, results) are handled while this loop runs.
    if (i % 8 === 7) await new Promise<void>((r) => setImmediate(r));
  }
  if (plugins && failed.length === 0 && diverged.length === 0) {
    await attachPluginWraps(jobs.map((j) => j.work!.job), parse);
    for (const j of jobs) start(j);
  }
  if (diverged.length > 0) {
    throw new NixsecError(`the files of ${[...new Set(diverged)].join(", ")} hold different values (one was changed outside nixsec); nothing was written`, {
      hint: `set the value with \`nixsec add NAME --force\` or \`nixsec edit NAME\`, which write every file of the secret`,
    });
  }
  if (failed.length === 0) return;
  const shown = failed.slice(0, 5).join(", ") + (failed.length > 5 ? ` and ${failed.length - 5} more` : "");
  throw new NixsecError(`cannot decrypt ${failed.length} secret${failed.length === 1 ? "" : "s"} to rekey: ${shown}; nothing was written`, {
    hint: [
      ...(kinds.has("no-match") ? [`identities tried: ${ids.map((i) => i.source).join(", ") || "none"}; pass -i/--identity with an admin key that reads them (several -i are fine)`] : []),
      ...(kinds.has("broken") ? ["a file is damaged or not a file of its format: set a new value with `nixsec add NAME --force`"] : []),
    ],
  });
}
