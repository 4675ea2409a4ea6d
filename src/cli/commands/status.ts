// `nixsec status`: which secrets need a rekey (their readers differ from the
// manifest) and which values are older than their `maxAge`. Reads headers
// and the lock only; needs no key.
import { ExitCode, NixsecError } from "../../errors.js";
import { describeReason, lockIsDirty, planScan, scanStore } from "../../store/rekey.js";
import { formatsOf } from "../../store/store.js";
import { valueAges } from "../../store/rotate.js";
import { openCliStore, type StoreOptions } from "../context.js";
import type { Io } from "../io.js";
import { printWarning } from "../output.js";
import { rotateLines } from "./rekey.js";

export interface StatusOptions extends StoreOptions {
  json?: boolean;
  check?: boolean;
}

export async function status(io: Io, opts: StatusOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  const scan = await scanStore(store);
  const plan = planScan(scan);
  const now = new Date();
  const ages = new Map(valueAges(store, scan, now).map((a) => [a.secret, a]));
  // Per secret: why each of its files needs a rekey (the format named when it has several).
  const rekey = new Map<string, string[]>();
  const add = (secret: string, why: string[]) => rekey.set(secret, [...(rekey.get(secret) ?? []), ...why]);
  for (const i of plan.rekey) add(i.secret, i.reasons.map((r) => (formatsOf(store, i.secret).length > 1 ? `${i.format.noun}: ` : "") + describeReason(r)));
  for (const r of plan.retire) add(r.secret, [`${r.format.noun} no host reads any more (removed by the rekey)`]);
  const rows = [...ages.keys()].map((secret) => {
    const a = ages.get(secret)!;
    const why = rekey.get(secret);
    return {
      secret,
      hosts: store.manifest.data.secrets[secret]!.hosts,
      file: scan.states.some((s) => s.secret === secret && s.file),
      needsRekey: why ?? [],
      lockOnly: plan.lockOnly.some((u) => u.secret === secret),
      valueChanged: a.valueChanged ?? null,
      ageDays: a.ageDays ?? null,
      maxAge: a.maxAge ?? null,
      rotationDue: a.due,
    };
  });
  const due = rows.filter((r) => r.rotationDue);
  const unknown = rows.filter((r) => r.maxAge && r.valueChanged === null && r.file);
  const attention = rekey.size + due.length + plan.missing.length;
  if (opts.json) {
    io.stdout.write(JSON.stringify({
      secrets: rows,
      summary: { total: rows.length, needRekey: rekey.size, rotationDue: due.length, missing: plan.missing, orphans: scan.orphans, lockProblems: scan.lock.problems, lockNeedsWrite: plan.lockOnly.length + plan.dropped.length > 0 || lockIsDirty(scan.lock) },
    }, null, 2) + "\n");
  } else {
    for (const p of scan.lock.problems) printWarning(io, p);
    const out: string[] = [];
    const w = Math.max(0, ...rows.map((r) => r.secret.length));
    out.push(`${rows.length} secrets: ${rekey.size} need a rekey, ${due.length} due for rotation${plan.missing.length ? `, ${plan.missing.length} without a file` : ""}`);
    if (rekey.size) {
      out.push("", "needs a rekey (run `nixsec rekey`):");
      for (const r of rows.filter((x) => x.needsRekey.length)) out.push(`  ${r.secret.padEnd(w)}  ${r.needsRekey.join("; ")}`);
    }
    if (due.length) {
      out.push("", "due for rotation (value older than maxAge):");
      for (const r of due) out.push(`  ${r.secret.padEnd(w)}  set ${r.valueChanged!.slice(0, 10)} (${r.ageDays} days ago), maxAge ${r.maxAge}`);
      for (const l of rotateLines(store, due.map((r) => r.secret))) out.push(`  → ${l}`);
    }
    if (unknown.length) {
      out.push("", "value date unknown (maxAge is set; the next rotation starts tracking it):");
      for (const r of unknown) out.push(`  ${r.secret}`);
    }
    if (plan.missing.length) {
      out.push("", "without a file (set a value with `nixsec add NAME --force`):");
      for (const n of plan.missing) out.push(`  ${n}`);
    }
    if (scan.orphans.length) {
      out.push("", "encrypted files no secret names:");
      for (const n of scan.orphans) out.push(`  ${n}`);
    }
    io.stdout.write(out.join("\n") + "\n");
  }
  if (opts.check && attention > 0) {
    throw new NixsecError(`${attention} secret${attention === 1 ? " needs" : "s need"} attention`, { exitCode: ExitCode.findings, hint: "`nixsec rekey` re-encrypts; `nixsec rotate NAME` sets new values" });
  }
}
