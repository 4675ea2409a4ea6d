// Every rule, in rank order. When two rules claim the same source range, the
// one listed first wins: token formats (most specific evidence) before option
// rules, specific options before sinks, sinks before the generic secret-name
// rule, so each secret is reported once, under its most precise id.
import type { Rule } from "../rule.js";
import { activationScriptSecret } from "./activation-script-secret.js";
import { ageSecretKey } from "./age-secret-key.js";
import { awsAccessKey } from "./aws-access-key.js";
import { cmdlineSecret } from "./cmdline-secret.js";
import { deploymentKeysText } from "./deployment-keys-text.js";
import { dotenvFile } from "./dotenv-file.js";
import { environmentSecret } from "./environment-secret.js";
import { evalSecretValue } from "./eval-secret-value.js";
import { fakeEncryptedFile } from "./fake-encrypted-file.js";
import { fileTextSecret } from "./file-text-secret.js";
import { flakeGitCrypt } from "./flake-git-crypt.js";
import { githubToken } from "./github-token.js";
import { gitlabToken } from "./gitlab-token.js";
import { hashedPassword } from "./hashed-password.js";
import { identityFileReadable } from "./identity-file-readable.js";
import { identityPathLiteral } from "./identity-path-literal.js";
import { jwt } from "./jwt.js";
import { k3sToken } from "./k3s-token.js";
import { keyGeneratedInStore } from "./key-generated-in-store.js";
import { missingSecretFile } from "./missing-secret-file.js";
import { parseError } from "./parse-error.js";
import { plaintextPassword } from "./plaintext-password.js";
import { privateKey } from "./private-key.js";
import { readSecretAtEval } from "./read-secret-at-eval.js";
import { secretInClosure } from "./secret-in-closure.js";
import { secretFilePathLiteral } from "./secret-file-path-literal.js";
import { secretOptionLiteral } from "./secret-option-literal.js";
import { secretPathCopied } from "./secret-path-copied.js";
import { secretsDirPlaintext } from "./secrets-dir-plaintext.js";
import { setCredentialSecret } from "./set-credential-secret.js";
import { slackToken } from "./slack-token.js";
import { storeWriterSecret } from "./store-writer-secret.js";
import { staleGeneratedNix } from "./stale-generated-nix.js";
import { storeSpecialFile } from "./store-special-file.js";
import { stripeKey } from "./stripe-key.js";
import { systemdScriptSecret } from "./systemd-script-secret.js";
import { tailscaleAuthKey } from "./tailscale-auth-key.js";
import { trackedIdentityFile } from "./tracked-identity-file.js";
import { unknownSecretFile } from "./unknown-secret-file.js";
import { unscannedFile } from "./unscanned-file.js";
import { urlCredentials } from "./url-credentials.js";
import { webhookUrl } from "./webhook-url.js";
import { wifiPsk } from "./wifi-psk.js";
import { wireguardPrivateKey } from "./wireguard-private-key.js";

export const RULES: readonly Rule[] = [
  // a whole identity file tracked by git (before the token formats that would also match it)
  trackedIdentityFile,
  // token formats in decoded strings and text files (row 14, and row 2's hash shape)
  privateKey, ageSecretKey, githubToken, gitlabToken, awsAccessKey, slackToken, stripeKey, tailscaleAuthKey, k3sToken, jwt, webhookUrl, hashedPassword, urlCredentials,
  // values that are copied into the store as files (rows 18, 4) or read at evaluation (row 5)
  identityPathLiteral, secretFilePathLiteral, secretPathCopied, readSecretAtEval,
  // specific options (rows 1, 12, 13, 15) and SetCredential
  plaintextPassword, wireguardPrivateKey, wifiPsk, deploymentKeysText, setCredentialSecret,
  // sinks (rows 11, 9, 6/19, 7, 8, 10)
  cmdlineSecret, environmentSecret, fileTextSecret, storeWriterSecret, activationScriptSecret, systemdScriptSecret, evalSecretValue, keyGeneratedInStore,
  // the generic secret-name rule (row 3)
  secretOptionLiteral,
  // file-level rules (rows 16, 17) and the parse fallback
  fakeEncryptedFile, secretsDirPlaintext, dotenvFile, flakeGitCrypt, parseError, unscannedFile,
  // managed-store checks (a nixsec.yaml at the scanned root; store-checks.ts) and the closure check (closure.ts)
  storeSpecialFile, unknownSecretFile, missingSecretFile, staleGeneratedNix, identityFileReadable, secretInClosure,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
