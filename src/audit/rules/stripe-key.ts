// Catalogue row 14: Stripe secret and restricted keys (publishable pk_ keys are public).
import type { Rule } from "../rule.js";
import { fake } from "./fake.js";

export const stripeKey: Rule = {
  id: "stripe-key",
  severity: "high",
  title: "Stripe secret key",
  description: "A Stripe secret or restricted key (sk_live_, sk_test_, rk_live_). In a Nix string it is in git and in the store.",
  hint: "roll the key in the Stripe dashboard, then nixsec add {secret} --host HOST --format env --stdin and nixsec wire {secret} --environment-file UNIT; {rotate}",
  catalogue: [14],
  matcher: {
    on: "text",
    keywords: ["sk_live_", "sk_test_", "rk_live_", "rk_test_"],
    pattern: /\b[sr]k_(?:live|test)_[0-9A-Za-z]{16,99}\b/g,
  },
  examples: {
    leaks: [`{ systemd.services.shop.environment.STRIPE_SECRET_KEY = "${fake.stripe("ex1")}"; }`],
    safe: [`{ systemd.services.shop.environment.STRIPE_PUBLISHABLE_KEY = "pk_live_51H8example0000000000"; }`],
  },
};
