// The import framework's public API (README, "Moving to nixsec"). An
// importer reads another tool's store into an ImportSource (types.ts) and
// writes nothing; the framework then:
//
//   resolvePrincipals(source, manifest, flags, ask)  names and roles (principals.ts)
//   planImport(source, principals, options)          the new manifest and files, in memory (plan.ts)
//   planLines(plan) / planJson(plan)                 the plan for people and scripts (describe.ts)
//   applyImport(plan)                                 the writes, crash-safe (apply.ts)
//
// Importers, loaded by the command that needs them: agenix.ts (secrets.nix
// and .age files, agenix-rekey stores), nixops.ts (NixOps/colmena
// deployment.keys), sops-nix.ts (.sops.yaml and the sops files it covers).
export type { AdoptedFile, FoundKey, FoundSecret, ImportSource, NewValue, Role } from "./types.js";
export { resolvePrincipals, type AskName, type Principal, type PrincipalFlags } from "./principals.js";
export { planImport, type ImportPlan, type PlannedSecret, type PlanOptions } from "./plan.js";
export { applyImport, type ApplyResult } from "./apply.js";
export { planJson, planLines, runtimePath } from "./describe.js";
export { checkKey, shortKey } from "./keys.js";
