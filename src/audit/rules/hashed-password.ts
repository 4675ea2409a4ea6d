// Catalogue row 2: a crypt(3) password hash written into the configuration.
import type { Rule } from "../rule.js";
import { fake } from "./fake.js";

export const hashedPassword: Rule = {
  id: "hashed-password",
  severity: "medium",
  title: "published password hash",
  description:
    "A crypt(3) password hash (yescrypt $y$, SHA-512 $6$, bcrypt $2b$, …) in the configuration. Hashes are crackable offline, and this one is in git and in the store " +
    "(nixpkgs#165858; the NixOS wiki's User management page says not to publish them).",
  hint: "change the password, then nixsec add users/{user}/hashedPassword --host HOST --generate password-hash --from users/{user}/password and nixsec wire users/{user}/hashedPassword --user-password {user}; {rotate}",
  catalogue: [2],
  matcher: {
    on: "text",
    keywords: ["$y$", "$gy$", "$7$", "$6$", "$5$", "$2a$", "$2b$", "$2y$", "$1$", "$apr1$", "$md5$"],
    // crypt(3) hashes. Not the PHC argon2/pbkdf2 forms that vaultwarden's ADMIN_TOKEN or authelia's
    // client_secret take: those are the documented way to configure them (test/audit/corpus).
    pattern: /(?<![A-Za-z0-9$])\$(?:y|gy|7|6|5|2[abxy]?|1|apr1|md5|sha1)\$(?:[./A-Za-z0-9=,]+\$){1,3}[./A-Za-z0-9]{20,}/g,
  },
  examples: {
    leaks: [
      `{ users.users.alice.hashedPassword = "${fake.sha512crypt("ex1")}"; }`,
      `{ users.users.root.initialHashedPassword = "${fake.yescrypt("ex2")}"; }`,
      `{ environment.etc."nginx/htpasswd".text = "alice:${fake.sha512crypt("ex3")}"; }`,
    ],
    safe: [
      `{ users.users.alice.hashedPassword = "!"; users.users.bob.hashedPasswordFile = "/run/secrets/bob"; }`,
      `{ x = ''echo "$1$2$3"''; y = "\${pkgs.foo}/bin/x $6 $y"; }`,
    ],
  },
};
