// The plan of an import in words (for people, on stderr) and as JSON (for
// scripts, `--json`): principals and why they got their role, each secret's
// file and readers, the wiring, what needs a rekey, what happens to the
// rules file. Never a value: only names, paths and public keys.
import path from "node:path";
import { shortKey } from "./keys.js";
import type { ImportPlan, PlannedSecret } from "./plan.js";

/** Where a secret appears on its hosts under the repository's backend. Keep in sync with modules/nixsec.nix (agenix: age.secrets.NAME.path; sops-nix: sops.secrets.NAME.path). */
export function runtimePath(backend: string, name: string): string {
  return backend === "sops-nix" ? `/run/secrets/${name}` : `/run/agenix/${name}`;
}

function rel(plan: ImportPlan, abs: string): string {
  return path.relative(plan.root, abs).split(path.sep).join("/");
}

function fileLine(plan: ImportPlan, s: PlannedSecret): string {
  const target = rel(plan, s.target);
  if (s.action === "keep") return `kept      ${target}`;
  if (s.action === "move") return `moved     ${rel(plan, (s.found.content as { path: string }).path)} → ${target}`;
  return `encrypted ${target} (from ${(s.found.content as { from: string }).from})`;
}

function settings(plan: ImportPlan, s: PlannedSecret): string {
  const spec = plan.manifest.data.secrets[s.name]!;
  const parts = [`read by admins${s.hosts.length ? ` + ${s.hosts.join(", ")}` : " only"}`];
  if (spec.format !== "text") parts.push(spec.format);
  if (spec.owner !== "root" || spec.group) parts.push(`owner ${spec.owner}${spec.group ? `:${spec.group}` : ""}`);
  if (spec.mode !== "0400") parts.push(`mode ${spec.mode}`);
  return parts.join(", ");
}

function wireText(w: Record<string, unknown>): string {
  if (w.environmentFile) return `EnvironmentFile of ${w.environmentFile}`;
  if (w.option) return `option ${w.option}`;
  if (w.restart) return `restart ${(w.restart as string[]).join(", ")}`;
  return JSON.stringify(w);
}

export function planLines(plan: ImportPlan): string[] {
  const src = plan.source;
  const out: string[] = [];
  out.push(`import from ${src.kind}: ${src.from} (${src.how})`);
  out.push(plan.fresh ? `into a new ${rel(plan, plan.manifestPath)}, secrets in ${plan.secretsDir}/` : `into ${rel(plan, plan.manifestPath)} (merged), secrets in ${plan.secretsDir}/`);
  for (const role of ["admin", "host"] as const) {
    const ps = plan.principals.filter((p) => p.role === role);
    if (!ps.length) continue;
    const w = Math.max(...ps.map((p) => p.name.length));
    out.push(`${role}s (${ps.length}):`);
    for (const p of ps) out.push(`  ${p.name.padEnd(w)}  ${shortKey(p.key)}  ${p.existing ? "already in nixsec.yaml" : `new: ${p.why}`}`);
  }
  out.push(`secrets (${plan.secrets.length}):`);
  const w = Math.max(0, ...plan.secrets.map((s) => s.name.length));
  for (const s of plan.secrets) {
    out.push(`  ${s.name.padEnd(w)}  ${fileLine(plan, s)}`);
    out.push(`  ${"".padEnd(w)}  ${settings(plan, s)}`);
    for (const wire of plan.manifest.data.secrets[s.name]!.wire) out.push(`  ${"".padEnd(w)}  wired: ${wireText(wire)}`);
    for (const p of s.found.previously ?? []) out.push(`  ${"".padEnd(w)}  on ${p.host}: ${p.path} → ${runtimePath(plan.manifest.data.settings.backend, s.name)}`);
    for (const r of s.rekey) out.push(`  ${"".padEnd(w)}  needs a rekey: ${r}`);
    for (const n of s.notes) out.push(`  ${"".padEnd(w)}  note: ${n}`);
  }
  if (plan.rules) {
    const r = rel(plan, plan.rules.path);
    out.push(plan.rules.action === "keep" ? `rules: ${r} is kept as it is` : plan.rules.action === "replace" ? `rules: ${r} is replaced by nixsec's generated rules (the same readers)` : `rules: ${r} is removed (nixsec generates ${plan.secretsDir}/secrets.nix)`);
  }
  if (src.notes.length) {
    out.push("notes:");
    for (const n of src.notes) out.push(`  ${n}`);
  }
  return out;
}

export function planJson(plan: ImportPlan): Record<string, unknown> {
  return {
    source: { kind: plan.source.kind, from: plan.source.from, how: plan.source.how },
    manifest: rel(plan, plan.manifestPath),
    fresh: plan.fresh,
    secretsDir: plan.secretsDir,
    admins: plan.principals.filter((p) => p.role === "admin").map((p) => ({ name: p.name, key: p.key, existing: p.existing, why: p.why })),
    hosts: plan.principals.filter((p) => p.role === "host").map((p) => ({ name: p.name, key: p.key, existing: p.existing, why: p.why })),
    secrets: plan.secrets.map((s) => {
      const spec = plan.manifest.data.secrets[s.name]!;
      return {
        name: s.name,
        origin: s.origin,
        action: s.action,
        from: s.found.content.kind === "file" ? rel(plan, s.found.content.path) : s.found.content.from,
        file: rel(plan, s.target),
        hosts: s.hosts,
        owner: spec.owner,
        group: spec.group ?? null,
        mode: spec.mode,
        format: spec.format,
        wire: spec.wire,
        previously: s.found.previously ?? [],
        rekey: s.rekey,
        notes: s.notes,
      };
    }),
    rules: plan.rules ? { path: rel(plan, plan.rules.path), action: plan.rules.action } : null,
    notes: plan.source.notes,
    warnings: plan.warnings,
  };
}
