// How far values are followed: let chains, rec sets, inherit, selection from
// let-bound sets, mkIf/mkMerge/mkDefault, lambdas (module functions),
// genAttrs, calls of local functions, `with` sets of secrets, values read at
// evaluation.
import { describe, expect, test } from "vitest";
import { auditFiles } from "../../src/audit/scan.js";

const rules = (src: string): string[] => auditFiles([{ path: "a.nix", content: src }]).map((f) => `${f.ruleId}@${f.line}`);

describe("value flow", () => {
  test.each([
    ["let chain", `let a = "Deep-Secret-1"; b = a; c = b;\nin { systemd.services.x.environment.API_TOKEN = c; }`, ["environment-secret@1"]],
    ["rec set", `rec { pw = "Rec-Secret-22"; systemd.services.x.environment.DB_PASSWORD = pw; }`, ["environment-secret@1"]],
    ["inherit into a set", `let password = "Inherit-Pw-3"; in {\n users.users.a = { inherit password; };\n}`, ["plaintext-password@1"]],
    ["inherit (from)", `let s = { password = "From-Pw-44"; }; in {\n users.users.a = { inherit (s) password; };\n}`, ["plaintext-password@1"]],
    ["select from a let-bound set", `let creds = { db.pass = "Sel-Pw-55"; }; in {\n systemd.services.x.environment.DB_PASS = creds.db.pass;\n}`, ["environment-secret@1"]],
    ["interpolation and +", `let u = "app"; p = "Plus-Pw-66"; in {\n systemd.services.x.environment.DATABASE_URL = "postgres://" + u + ":" + p + "@db/app";\n}`, ["url-credentials@1"]], // reported where the password is written
    ["mkIf / mkMerge / mkDefault", `{ lib, ... }: { config = lib.mkMerge [ (lib.mkIf true {\n users.users.a.password = lib.mkDefault "Wrapped-Pw-7"; }) ]; }`, ["plaintext-password@2"]],
    ["module function and config.", `{ config, ... }: { config.users.users.a.initialPassword = "Cfg-Pw-88"; }`, ["plaintext-password@1"]],
    ["genAttrs", `{ lib, ... }: { users.users = lib.genAttrs [ "a" ] (n: {\n initialPassword = "Gen-Pw-99"; }); }`, ["plaintext-password@2"]],
    ["writer through let", `{ pkgs, ... }: let t = "Writer-Tok-10"; in {\n x = pkgs.writeShellScript "s" "export API_TOKEN=\${t}"; }`, ["store-writer-secret@1"]],
  ])("%s", (_name, src, want) => {
    expect(rules(src)).toEqual(want);
  });

  test("a value passed to a local function is followed into its body (reported where the literal is written)", () => {
    expect(rules(`let mk = pw: { users.users.a.password = pw; }; in mk "Arg-Pw-11"`)).toEqual(["plaintext-password@1"]);
    expect(rules(`{ pkgs, ... }: let
  mkScript = pw: pkgs.writeText "x" pw;
in { x = mkScript "hunter2-Arg-12"; }`)).toEqual(["store-writer-secret@3"]);
    expect(rules(`{ pkgs, lib, ... }: let
  mkBackup = name: password: { systemd.services."b-\${name}".script = "export RESTIC_PASSWORD='\${password}'"; };
in lib.mkMerge [
  (mkBackup "photos" "photos-restic-pw13")
]`)).toEqual(["systemd-script-secret@4"]);
    // formals, and a set given to them
    expect(rules(`let mk = { user, pass }: { users.users.\${user}.password = pass; }; in mk { user = "a"; pass = "Formal-Pw-14"; }`)).toEqual(["plaintext-password@1"]);
  });

  test("option declarations, docs and comments are not configured values", () => {
    expect(rules(`{ lib, ... }: {
  options.services.foo.password = lib.mkOption { default = "Decl-Pw-12"; example = "Ex-Pw-13"; description = "password = Doc-Pw-14"; };
  # users.users.a.password = "Comment-Pw-15";
  meta.description = "token = Meta-Tok-16";
}`)).toEqual([]);
  });

  test("runtime reads and placeholders are not secrets", () => {
    expect(rules(`{ config, ... }: {
  systemd.services.a.script = ''
    export DB_PASSWORD="$(cat \${config.age.secrets.db.path})"
    export API_TOKEN=$(< "$CREDENTIALS_DIRECTORY/token")
    export SMTP_PASSWORD=\${config.sops.placeholder.smtp}
    export X_PASSWORD=@X_PASSWORD@
  '';
  systemd.services.a.serviceConfig.ExecStart = "app --password-file %d/db";
  services.grafana.settings.security.admin_password = "$__file{/run/secrets/g}";
  networking.wireless.networks.home.pskRaw = "ext:psk_home";
}`)).toEqual([]);
  });
});

describe("pathological input stays fast", () => {
  test.each([
    ["fan-out let chain", `let ${Array.from({ length: 40 }, (_, i) => `a${i} = a${i + 1} + a${i + 1};`).join(" ")} a40 = "x"; in { systemd.services.s.environment.API_TOKEN = a0; }`],
    ["unterminated key block", `{ x = "-----BEGIN OPENSSH PRIVATE KEY-----\n${" ".repeat(20000)}${"A".repeat(50)}"; }`],
    ["many echos, no pipe", `{ systemd.services.s.script = ''\n${"echo a b c d e f g ".repeat(3000)}\n''; }`],
    ["long assignment chain", `{ systemd.services.s.script = ''\n${"a=".repeat(20000)}\n''; }`],
    ["deep nesting", `${"{ a = ".repeat(400)}"s"${"; }".repeat(400)}`],
  ])("%s", (_name, src) => {
    const t = performance.now();
    auditFiles([{ path: "a.nix", content: src }]);
    expect(performance.now() - t).toBeLessThan(1500);
  });
});

describe("files that do not parse", () => {
  test("are reported and still scanned token by token", () => {
    const src = `{\n  users.users.a.initialPassword = "Broken-Pw-17"\n  x = "${"gh" + "p_" + "Z".repeat(36)}";\n}`;
    expect(rules(src)).toEqual(["plaintext-password@2", "parse-error@3", "github-token@3"]);
  });
});

describe("other files", () => {
  test("token formats in any text file; binary files only get a note", () => {
    const tok = "xo" + "xb-" + "12345678901-123456789012-abcdefghijklmnopqrstuvwx";
    expect(auditFiles([{ path: "scripts/notify.sh", content: `curl -H "Authorization: Bearer ${tok}" https://slack.com/api/chat.postMessage\n` }]).map((f) => f.ruleId)).toEqual(["slack-token"]);
    expect(auditFiles([{ path: "logo.png", content: Uint8Array.from([0x89, 0x50, 0, 1, 2]) }])).toEqual([]);
  });
});
