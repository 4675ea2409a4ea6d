// `nixsec rekey`: re-encrypt exactly the files whose readers differ from the
// manifest, and the helpers the admin/host commands share to run the rekey
// their change implies.
import { lstatSync } from "node:fs";
import { rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { NixsecError } from "../../errors.js";
import type { LoadedIdentity } from "../../crypto/index.js";
import type { Manifest } from "../../manifest/read.js";
import { executeRekey, startEncryptor, type RekeyProgress, type RunResult } from "../../store/rekey-run.js";
import type { Encryptor } from "../../store/rekey-worker.js";
import { describeReason, lockIsDirty, planIsEmpty, planScan, readerChanges, scanStore, type RekeyPlan, type StoreScan } from "../../store/rekey.js";
import { desiredReaders } from "../../store/lock.js";
import { formatsOf, formFile, readersOf, storeOf, type Store } from "../../store/store.js";
import { adminIdentities, openCliStore, type StoreOptions } from "../context.js";
import type { Io } from "../io.js";
import { printInfo, printWarning } from "../output.js";

export interface RekeyOptions extends StoreOptions {
  dryRun?: boolean;
  all?: boolean;
  json?: boolean;
  jobs?: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function nameList(names: string[], max = 10): string {
  return names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}

/** The plan for people, on stderr: one line per reason with the secrets it affects. */
export function printPlan(io: Io, plan: RekeyPlan, scan: StoreScan, verbose = false): void {
  for (const p of scan.lock.problems) printWarning(io, p);
  const total = new Set(scan.states.map((s) => s.secret)).size;
  if (planIsEmpty(plan)) {
    printInfo(io, `nothing to rekey: ${total === 1 ? "the 1 secret matches" : `all ${plural(total, "secret")} match`} the manifest`);
  } else {
    printInfo(io, `rekey plan: ${plural(plan.rekey.length, "file")} to re-encrypt, ${plan.unchanged} unchanged`);
    const groups = new Map<string, string[]>();
    for (const item of plan.rekey) {
      for (const r of item.reasons) {
        const k = describeReason(r);
        const names = groups.get(k);
        if (names) names.push(item.secret);
        else groups.set(k, [item.secret]);
      }
    }
    for (const [why, names] of groups) io.stderr.write(`  ${why} (${names.length}): ${nameList(names, verbose ? Infinity : 10)}\n`);
    const adopted = plan.lockOnly.filter((u) => u.why === "adopted").map((u) => u.secret);
    const renamed = plan.lockOnly.filter((u) => u.why === "renamed").map((u) => u.secret);
    if (adopted.length) io.stderr.write(`  lock only, readers proven by the file itself (${adopted.length}): ${nameList(adopted)}\n`);
    if (renamed.length) io.stderr.write(`  lock only, a reader was renamed (${renamed.length}): ${nameList(renamed)}\n`);
    if (plan.dropped.length) io.stderr.write(`  lock only, file no longer in the manifest (${plan.dropped.length}): ${nameList(plan.dropped)}\n`);
    for (const [noun, names] of groupBy(plan.retire, (r) => r.format.noun)) {
      io.stderr.write(`  ${noun} no host reads any more, removed once the other file is written (${names.length}): ${nameList(names)}\n`);
    }
  }
  if (plan.missing.length) printWarning(io, `${plural(plan.missing.length, "secret")} without a file: ${nameList(plan.missing)} (set a value with \`nixsec add NAME --force\`)`);
  if (scan.orphans.length) printWarning(io, `encrypted files no secret names: ${nameList(scan.orphans)} (remove them, or add the secrets to the manifest)`);
}

function groupBy<T extends { secret: string }>(items: T[], key: (t: T) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const i of items) out.set(key(i), [...(out.get(key(i)) ?? []), i.secret]);
  return out;
}

export function planJson(store: Store, plan: RekeyPlan, scan: StoreScan, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...extra,
    rekey: plan.rekey.map((i) => ({
      secret: i.secret,
      file: path.relative(store.root, formFile(store, i.secret, i.format)),
      format: i.format.id,
      reasons: i.reasons.map((r) => ({ ...r, text: describeReason(r) })),
      lostReaders: i.lost,
      replacedKeys: i.replaced,
    })),
    lockOnly: plan.lockOnly.map((u) => ({ secret: u.secret, format: u.format.id, why: u.why })),
    retire: plan.retire.map((r) => ({ secret: r.secret, file: path.relative(store.root, formFile(store, r.secret, r.format)), format: r.format.id, lostReaders: r.lost })),
    dropped: plan.dropped,
    missing: plan.missing,
    orphans: scan.orphans,
    unchanged: plan.unchanged,
    lockProblems: scan.lock.problems,
  };
}

/** `nixsec rotate …` lines for values that readers which lost access could still read in git history. */
export function rotateLines(store: Store, names: string[]): string[] {
  const secrets = store.manifest.data.secrets;
  const present = [...new Set(names)].filter((n) => secrets[n]).sort();
  const generated = present.filter((n) => secrets[n]!.generate);
  const typed = present.filter((n) => !secrets[n]!.generate);
  return [...(generated.length ? [`nixsec rotate ${generated.join(" ")} --generate`] : []), ...(typed.length ? [`nixsec rotate ${typed.join(" ")}`] : [])];
}

export function printRotateAdvice(io: Io, store: Store, names: string[], who: string, ifLeaked = false): void {
  if (names.length === 0) return;
  if (ifLeaked) printInfo(io, `${who} still reads the old ciphertext of ${plural(names.length, "secret")} in git history; if it may have leaked, rotate their values:`);
  else printInfo(io, `${who} could read ${plural(names.length, "secret")}; the old ciphertext stays in git history. Rotate their values:`);
  for (const l of rotateLines(store, names)) io.stderr.write(`  ${l}\n`);
}

/** A one-line progress display on a terminal, at most 10 updates a second. */
export function progressDisplay(io: Io): { update(p: RekeyProgress): void; done(): void } {
  if (!io.stderr.isTTY) return { update() {}, done() {} };
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100 && p.done !== p.total) return;
      last = now;
      shown = true;
      io.stderr.write(`\r\x1b[Knixsec: rekey: ${p.done}/${p.total} ${p.phase === "decrypt" ? "decrypted" : "written"}`);
    },
    done() {
      if (shown) io.stderr.write("\r\x1b[K");
    },
  };
}

/** Refreshes the generated Nix (which secrets each host has, their value ids) when the repository uses it. */
export async function regenerate(io: Io, store: Store): Promise<void> {
  const dataNix = path.join(store.root, store.manifest.data.settings.generatedDir, "data.nix");
  // lstat: a link there (even a dangling one) is regenerated, so RepoTree reports it.
  if (!lstatSync(dataNix, { throwIfNoEntry: false })) return;
  try {
    const { runGen } = await import("../../nixgen/gen.js");
    const r = await runGen(store, false);
    if (r.written.length) printInfo(io, `updated ${r.written.map((f) => path.relative(io.cwd, f) || f).join(", ")}`);
  } catch (err) {
    printWarning(io, `could not update the generated Nix: ${err instanceof Error ? err.message : String(err)}; run \`nixsec gen\``);
  }
}

/** Removes temporary files an interrupted nixsec left in the secrets directory (ciphertext only). */
async function removeLeftovers(io: Io, scan: StoreScan): Promise<void> {
  if (scan.leftovers.length === 0) return;
  await Promise.all(scan.leftovers.map((f) => rm(f, { force: true })));
  printInfo(io, `removed ${plural(scan.leftovers.length, "temporary file")} an interrupted run left behind`);
}

function jobsFlag(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[1-9][0-9]?$/.test(v)) throw new NixsecError(`--jobs must be a number from 1 to 99, got ${JSON.stringify(v)}`, { hint: "--jobs 1 encrypts in one thread" });
  return Number(v);
}

interface Execution {
  io: Io;
  store: Store;
  scan: StoreScan;
  plan: RekeyPlan;
  identities: LoadedIdentity[];
  verifyWith?: LoadedIdentity[];
  jobs?: number;
  beforeWrite?: () => Promise<void>;
  encryptor?: Promise<Encryptor>;
}

async function execute(x: Execution): Promise<RunResult> {
  const progress = progressDisplay(x.io);
  try {
    return await executeRekey(x.store, x.scan, x.plan, {
      identities: x.identities,
      verifyWith: x.verifyWith,
      jobs: x.jobs,
      cores: availableParallelism(),
      beforeWrite: x.beforeWrite,
      encryptor: x.encryptor,
      onProgress: (p) => progress.update(p),
    });
  } finally {
    progress.done();
  }
}

function reportRun(io: Io, r: RunResult, identities: LoadedIdentity[]): void {
  // A hardware key (a plugin) is asked once per run, to read; the new files are not decrypted again.
  const pluginOnly = identities.length > 0 && identities.every((i) => i.kind === "plugin");
  const checked = pluginOnly && r.headerOnly.length === r.written.length ? "each new header was checked (your key is a plugin: it is not asked again to read them back)" : "each was checked to decrypt before it replaced the old one";
  if (r.written.length) printInfo(io, `re-encrypted ${plural(r.written.length, "file")}${r.threads > 1 ? ` (${r.threads} threads)` : ""}; ${checked}`);
  if (r.headerOnly.length && !pluginOnly) printWarning(io, `your identity does not read ${plural(r.headerOnly.length, "new file")} (${nameList(r.headerOnly, 5)}): only their headers could be checked`);
  if (r.lockWritten) printInfo(io, "updated the lock file");
}

export async function rekey(io: Io, opts: RekeyOptions): Promise<void> {
  const jobs = jobsFlag(opts.jobs);
  const store = await openCliStore(io, opts);
  // --all re-encrypts every file: the workers can load while the store is read.
  const early = opts.all && !opts.dryRun ? startEncryptor(allWraps(store), Object.keys(store.manifest.data.secrets).length, jobs, availableParallelism()) : undefined;
  try {
    await rekeyWith(io, opts, store, jobs, early);
  } finally {
    await early?.then((e) => e.close());
  }
}

/** Recipient wraps a rekey of every secret takes. */
function allWraps(store: Store): number {
  return Object.keys(store.manifest.data.secrets).reduce((n, name) => n + formatsOf(store, name).reduce((k, f) => k + readersOf(store, name, f).length, 0), 0);
}

/** Each file's readers of a secret, as one comparable text: a change means its files must change. */
function readersText(store: Store, name: string): string {
  return JSON.stringify(formatsOf(store, name).map((f) => [f.id, desiredReaders(store, name, f)]));
}

async function rekeyWith(io: Io, opts: RekeyOptions, store: Store, jobs: number | undefined, encryptor: Promise<Encryptor> | undefined): Promise<void> {
  const scan = await scanStore(store);
  const plan = planScan(scan, { all: opts.all });
  printPlan(io, plan, scan, opts.dryRun);
  const lost = [...plan.rekey, ...plan.retire].filter((i) => i.lost.length > 0);
  const work = !planIsEmpty(plan) || lockIsDirty(scan.lock) || scan.leftovers.length > 0;
  if (opts.dryRun || !work) {
    if (opts.json) io.stdout.write(JSON.stringify(planJson(store, plan, scan, { dryRun: Boolean(opts.dryRun), written: [] }), null, 2) + "\n");
    if (opts.dryRun && work) printInfo(io, "dry run: nothing written");
    return;
  }
  const identities = plan.rekey.length ? await adminIdentities(io, store, opts) : [];
  await removeLeftovers(io, scan);
  const result = await execute({ io, store, scan, plan, identities, jobs, encryptor });
  reportRun(io, result, identities);
  if (opts.json) io.stdout.write(JSON.stringify(planJson(store, plan, scan, { dryRun: false, written: result.written }), null, 2) + "\n");
  if (lost.length) {
    const who = [...new Set(lost.flatMap((i) => i.lost))];
    printRotateAdvice(io, store, lost.map((i) => i.secret), nameList(who, 3));
  }
  const replaced = plan.rekey.filter((i) => i.replaced.length > 0 && i.lost.length === 0);
  if (replaced.length) printRotateAdvice(io, store, replaced.map((i) => i.secret), nameList([...new Set(replaced.flatMap((i) => i.replaced))], 3), true);
  if (result.written.length || result.retired.length) await regenerate(io, store);
}

export interface ChangeOptions extends StoreOptions {
  rekey?: boolean;
}

/**
 * Saves a manifest that changes who reads what, and runs the rekey it
 * implies: every file is decrypted before the manifest is saved (so a
 * missing or wrong identity changes nothing); after the save, a crash leaves
 * a state `nixsec rekey` finishes. With `rekey: false`, only saves.
 * `loaded`: identities already loaded (decrypting and checking), else the admin's.
 */
export async function applyReaderChange(io: Io, before: Store, m: Manifest, opts: ChangeOptions, loaded?: LoadedIdentity[]): Promise<RekeyPlan> {
  const after = storeOf(m);
  const scan = await scanStore(after);
  const full = planScan(scan);
  // Only what this change implies: secrets whose readers it changed. Other
  // pending work (a store from before the lock, a hand edit) is `nixsec rekey`'s.
  const changed = new Set(Object.keys(m.data.secrets).filter((n) => !before.manifest.data.secrets[n] || readersText(before, n) !== readersText(after, n)));
  const rekey = full.rekey.filter((i) => changed.has(i.secret));
  const retire = full.retire.filter((r) => changed.has(r.secret));
  const plan: RekeyPlan = { ...full, rekey, retire, lockOnly: full.lockOnly.filter((u) => changed.has(u.secret)), dropped: [], unchanged: scan.states.length - full.missing.length - rekey.length };
  for (const item of plan.rekey) {
    // Without a trusted lock entry the plan cannot say why; the manifest change can.
    const had = before.manifest.data.secrets[item.secret] && formatsOf(before, item.secret).includes(item.format);
    if (item.reasons.some((r) => !r.name) && had) {
      const diff = readerChanges(desiredReaders(before, item.secret, item.format), item.desired);
      item.reasons = [...diff.reasons, ...item.reasons];
      item.lost = [...new Set([...item.lost, ...diff.lost])];
      item.replaced = [...new Set([...item.replaced, ...diff.replaced])];
    }
  }
  const other = full.rekey.length - plan.rekey.length;
  if (other > 0) printInfo(io, `${plural(other, "other secret")} also need${other === 1 ? "s" : ""} a rekey (\`nixsec status\` says why); \`nixsec rekey\` does it`);
  if (opts.rekey === false || planIsEmpty(plan)) {
    await (await import("../../manifest/save.js")).saveManifest(m);
    if (opts.rekey === false && plan.rekey.length) printInfo(io, `${plural(plan.rekey.length, "secret")} now need a rekey: run \`nixsec rekey\``);
    return plan;
  }
  printPlan(io, plan, scan);
  const identities = loaded ?? (plan.rekey.length ? await adminIdentities(io, before, opts) : []);
  const result = await execute({ io, store: after, scan, plan, identities, beforeWrite: async () => (await import("../../manifest/save.js")).saveManifest(m) });
  reportRun(io, result, identities);
  await regenerate(io, after);
  return plan;
}
