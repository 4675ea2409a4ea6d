// Catalogue row 14: Tailscale auth/OAuth keys (gitleaks has no rule for them).
import type { Rule } from "../rule.js";
import { fake } from "./fake.js";

export const tailscaleAuthKey: Rule = {
  id: "tailscale-auth-key",
  severity: "high",
  title: "Tailscale auth key",
  description: "A Tailscale auth, OAuth client or API key (tskey-…). Anyone holding it can join machines to the tailnet; in a Nix string it ends up in the store.",
  hint: "revoke it in the Tailscale admin console, then nixsec add tailscale/authkey --host HOST --stdin and nixsec wire tailscale/authkey --option services.tailscale.authKeyFile; {rotate}",
  catalogue: [14],
  matcher: {
    on: "text",
    keywords: ["tskey-"],
    pattern: /\btskey-(?:auth|client|api|scim|webhook)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{10,}\b/g,
  },
  examples: {
    leaks: [`{ pkgs, ... }: { services.tailscale.authKeyFile = pkgs.writeText "ts" "${fake.tailscale("ex1")}"; }`],
    safe: [`{ config, ... }: { services.tailscale.authKeyFile = config.age.secrets.tailscale.path; }`],
  },
};
