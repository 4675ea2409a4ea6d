// Catalogue row 14: a signed JSON Web Token (header.payload.signature).
import type { Rule } from "../rule.js";
import { fake } from "./fake.js";

export const jwt: Rule = {
  id: "jwt",
  severity: "high",
  title: "JSON Web Token",
  description: "A signed JWT (eyJ….eyJ….…), usually a bearer credential (API tokens, Home Assistant long-lived tokens). In a Nix string it ends up in the store.",
  hint: "nixsec add {secret} --host HOST --stdin, then nixsec wire {secret} {wire}; {rotate} (revoke or expire the token if so)",
  catalogue: [14],
  matcher: {
    on: "text",
    keywords: ["eyj"],
    pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}/g,
  },
  examples: {
    leaks: [`{ services.home-assistant.config.rest_command.x.headers.Authorization = "Bearer ${fake.jwt("ex1")}"; }`],
    safe: [`{ x = "eyJhbGciOiJIUzI1NiJ9"; }`],
  },
};
