// Catalogue row 1: a user's password written in plain text.
import type { Rule } from "../rule.js";
import { isEnvironmentName, notASecret } from "../values.js";

export const plaintextPassword: Rule = {
  id: "plaintext-password",
  severity: "high",
  title: "plaintext user password",
  description:
    "users.users.<name>.password or .initialPassword set to a literal. The password is in git and in the evaluated configuration, and reaches the store " +
    "through the users JSON that activation reads. Weak placeholders (\"changeme\", \"nixos\") are reported too: once deployed they are the live password.",
  hint: "nixsec add users/{user}/password --stdin, nixsec add users/{user}/hashedPassword --host HOST --generate password-hash --from users/{user}/password, then nixsec wire users/{user}/hashedPassword --user-password {user} and delete {option}; {rotate}",
  catalogue: [1],
  matcher: {
    on: "option",
    paths: ["users.users.*.password", "users.users.*.initialPassword", "users.extraUsers.*.password", "users.extraUsers.*.initialPassword"],
    value: "string",
    // NixOS sets this value as the password, as written: nothing replaces a placeholder-like word or a `NAME_LIKE_THIS`
    accept: (v) => notASecret(v.text) === null || /^(?:[a-z]{3,}|x{3,})$/i.test(v.text.trim()) || isEnvironmentName(v.text.trim()),
  },
  examples: {
    leaks: [
      `{ users.users.alice.initialPassword = "hunter2"; }`,
      `{ users.users.root.password = "changeme"; }`,
      `{ users.users.root.initialPassword = "CHANGE_ME"; }`,
      `let pw = "correct horse battery staple"; in { users.users.bob = { isNormalUser = true; password = pw; }; }`,
      `{ lib, ... }: { users.users = lib.genAttrs [ "a" "b" ] (name: { initialPassword = "nixos"; }); }`,
    ],
    safe: [
      `{ config, ... }: { users.users.alice.hashedPasswordFile = config.sops.secrets.alice.path; users.users.bob.password = null; }`,
      `{ lib, ... }: { options.users.users = lib.mkOption { description = "password = \\"x\\""; example = { alice.password = "hunter2"; }; }; }`,
    ],
  },
};
