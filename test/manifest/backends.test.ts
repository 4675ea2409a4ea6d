// Backends per host (issue 11): settings.backend is the default, a host may
// name its own; keys sops files cannot be encrypted to are refused at load,
// saying why (no ssh-to-age conversion for RSA) and what to do.
import { describe, expect, it } from "vitest";
import { ManifestError, parseManifest } from "../../src/manifest/index.js";
import { AGE_ALICE, AGE_BOB, ED25519_HANNIBAL, RSA_3072 } from "./fixtures.js";

const manifest = (o: { backend?: string; admin?: string; hosts: Record<string, { key: string; backend?: string }> }) =>
  `version: 1\n${o.backend ? `settings: { backend: ${o.backend} }\n` : ""}admins: { alice: { key: ${JSON.stringify(o.admin ?? AGE_ALICE)} } }\nhosts:\n` +
  Object.entries(o.hosts).map(([n, h]) => `  ${n}: { key: ${JSON.stringify(h.key)}${h.backend ? `, backend: ${h.backend}` : ""} }\n`).join("");

function problems(text: string): string[] {
  try {
    parseManifest(text, "nixsec.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    return (e as Error).message.split("\n");
  }
  return [];
}

const RSA_HOST = "nixsec.yaml: hosts.old.key: an ssh-rsa key cannot read sops files (sops-nix decrypts with the host's ed25519 key converted to age, and RSA keys have no such conversion); give its ssh-ed25519 host key, or keep it on agenix (backend: agenix)";

describe("backends per host", () => {
  it.each<[string, Parameters<typeof manifest>[0], string[]]>([
    ["an ed25519 host on sops-nix", { hosts: { h: { key: ED25519_HANNIBAL, backend: "sops-nix" } } }, []],
    ["an rsa host on agenix", { backend: "sops-nix", hosts: { old: { key: RSA_3072, backend: "agenix" } } }, []],
    ["an rsa host on sops-nix by the default", { backend: "sops-nix", hosts: { old: { key: RSA_3072 } } }, [RSA_HOST]],
    ["an rsa host on sops-nix by its own field", { hosts: { old: { key: RSA_3072, backend: "sops-nix" } } }, [RSA_HOST]],
    ["an rsa admin where a host is on sops-nix", { admin: RSA_3072, hosts: { h: { key: ED25519_HANNIBAL, backend: "sops-nix" } } },
      ["nixsec.yaml: admins.alice.key: an ssh-rsa key cannot read sops files (no ssh-to-age conversion for RSA), and host h is on sops-nix; give this admin an age key (nixsec age keygen) or an ssh-ed25519 key"]],
    ["an rsa admin of an agenix-only fleet", { admin: RSA_3072, hosts: { h: { key: ED25519_HANNIBAL } } }, []],
    ["an unknown backend", { hosts: { h: { key: ED25519_HANNIBAL, backend: "vault" } } }, ['nixsec.yaml: hosts.h.backend: must be one of "agenix", "sops-nix"']],
  ])("%s", (_, m, want) => {
    expect(problems(manifest(m))).toEqual(want);
  });

  it("a host without its own backend takes settings.backend", () => {
    const { data } = parseManifest(manifest({ backend: "sops-nix", hosts: { a: { key: ED25519_HANNIBAL }, b: { key: AGE_BOB, backend: "agenix" } } }), "m.yaml");
    expect(data.hosts.a!.backend).toBeUndefined();
    expect(data.hosts.b!.backend).toBe("agenix");
  });
});
