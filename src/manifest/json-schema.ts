// schema/nixsec.schema.json is generated from the zod schema, never edited:
// `node scripts/gen-schema.mjs` rewrites it and test/manifest/schema.test.ts
// fails when the committed file is stale. Editors use it through
// `# yaml-language-server: $schema=…` for completion and inline errors.
import { z } from "zod";
import type { IssuePath } from "./issues.js";
import { manifestSchema } from "./schema.js";

type JsonSchema = { [key: string]: unknown };

let cached: JsonSchema | undefined;

/** The JSON schema (draft 2020-12) of what a user may write: defaults make fields optional. */
export function manifestJsonSchema(): JsonSchema {
  cached ??= {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "nixsec manifest (nixsec.yaml)",
    ...z.toJSONSchema(manifestSchema, { io: "input", target: "draft-2020-12" }),
  };
  return cached;
}

/** The file's exact contents: 2-space JSON and a final newline. */
export function renderManifestJsonSchema(): string {
  return JSON.stringify(manifestJsonSchema(), null, 2) + "\n";
}

/** The field names allowed in the object at `path`, for did-you-mean hints. */
export function fieldsAt(path: IssuePath): string[] {
  let nodes: JsonSchema[] = [manifestJsonSchema()];
  for (const seg of path) {
    nodes = nodes.flatMap(options).flatMap((node) => {
      const properties = node.properties as Record<string, JsonSchema> | undefined;
      if (typeof seg === "string" && properties?.[seg]) return [properties[seg]];
      if (typeof seg === "string" && isSchema(node.additionalProperties)) return [node.additionalProperties];
      if (typeof seg === "number" && isSchema(node.items)) return [node.items];
      return [];
    });
  }
  return [...new Set(nodes.flatMap(options).flatMap((n) => Object.keys((n.properties as object | undefined) ?? {})))];
}

/** A union's alternatives, or the node itself. */
function options(node: JsonSchema): JsonSchema[] {
  const alternatives = (node.oneOf ?? node.anyOf) as JsonSchema[] | undefined;
  return alternatives ?? [node];
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
