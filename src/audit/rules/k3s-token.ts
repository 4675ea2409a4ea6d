// Catalogue row 14: a k3s cluster token in its secure format (K10<ca hash>::server:<secret>).
import type { Rule } from "../rule.js";
import { fake } from "./fake.js";

export const k3sToken: Rule = {
  id: "k3s-token",
  severity: "high",
  title: "k3s cluster token",
  description: "A k3s join token (K10…::server:…). It lets a machine join the cluster as a server or agent; in a Nix string it ends up in the store.",
  hint: "rotate it (k3s token rotate), then nixsec add k3s/token --host HOST --stdin and nixsec wire k3s/token --option services.k3s.tokenFile; {rotate}",
  catalogue: [14],
  matcher: {
    on: "text",
    keywords: ["::server:", "::node:"],
    pattern: /\bK10[0-9a-f]{64}::(?:server|node):[0-9A-Za-z]{8,}/g,
  },
  examples: {
    leaks: [`{ services.k3s.token = "${fake.k3s("ex1")}"; }`],
    safe: [`{ services.k3s.tokenFile = "/run/secrets/k3s-token"; }`],
  },
};
