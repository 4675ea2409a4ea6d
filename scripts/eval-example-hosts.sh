#!/usr/bin/env bash
# Evaluates the example fleet's NixOS configurations (examples/hosts/*.nix)
# with a real nixpkgs and the real module of each host's backend (agenix;
# sops-nix for storage2), and checks what modules/nixsec.nix configures on
# each host: age.secrets / sops.secrets, the wired options (a quoted path
# among them), the systemd units (LoadCredential, EnvironmentFile, the samba
# ExecStartPre script and its text, the template renderer), the user password
# file, the initrd secret, restart triggers (value ids), the assertions, and the
# assertion messages for a wrong nixsec.host and for an option this host does
# not declare.
#
#   scripts/eval-example-hosts.sh NIXPKGS AGENIX SOPS_NIX [--toplevel] [HOST...]
#
# NIXPKGS, AGENIX and SOPS_NIX are checkouts (work trees) of NixOS/nixpkgs,
# ryantm/agenix and Mic92/sops-nix. --toplevel also instantiates config.system.build.toplevel
# (derivations only, nothing is built; slow). HOSTs default to all three.
# NIXSEC_EVAL_EXTRA_MODULES: colon-separated paths of extra NixOS modules to
# add to every host (for example a shim that declares options an old nixpkgs
# lacks). Needs nix-instantiate; the decrypted-value leak check also needs
# the built bin/nixsec.js (it decrypts the example secrets with
# examples/keys/demo-admin.key).
# Prints every checked value; exits 1 if a check fails, 2 on usage errors.
# Not run by CI: it needs the three checkouts. scripts/eval-module-lite.sh does
# most of this with nixpkgs' lib alone (stand-in option declarations).
set -euo pipefail

usage() { echo "usage: $0 NIXPKGS AGENIX SOPS_NIX [--toplevel] [HOST...]" >&2; exit 2; }
[ $# -ge 3 ] || usage
nixpkgs=$(cd "$1" && pwd) || usage
agenix=$(cd "$2" && pwd) || usage
sopsnix=$(cd "$3" && pwd) || usage
shift 3
toplevel=false
hosts=()
for a in "$@"; do
  case "$a" in
    --toplevel) toplevel=true ;;
    -*) usage ;;
    *) hosts+=("$a") ;;
  esac
done
[ ${#hosts[@]} -gt 0 ] || hosts=(hannibal storage2 chrysalis)
[ -f "$nixpkgs/nixos/lib/eval-config.nix" ] || { echo "$nixpkgs: not a nixpkgs checkout (no nixos/lib/eval-config.nix)" >&2; exit 2; }
. "$(dirname "$0")/lib/eval-common.sh"
extra=()
IFS=: read -r -a extra <<< "${NIXSEC_EVAL_EXTRA_MODULES:-}"
extraNix="[ $(for m in "${extra[@]}"; do [ -n "$m" ] && printf '(/. + "%s") ' "$(cd "$(dirname "$m")" && pwd)/$(basename "$m")"; done) ]"

cat > "$work/eval.nix" <<'NIX'
{ nixpkgsDir, agenixDir, sopsNixDir, repoDir, host, extraModules, toplevel ? false }:
let
  nixpkgs = /. + nixpkgsDir;
  agenix = /. + agenixDir;
  repo = /. + repoDir;
  data = import (repo + "/nixsec/data.nix");
  nlib = import (repo + "/modules/lib.nix");
  # The module of the host's backend, as flake.nix imports it.
  sops = (nlib.forHost data host).backend == "sops-nix";
  system = extra: import (nixpkgs + "/nixos/lib/eval-config.nix") {
    system = "x86_64-linux";
    modules = [
      (if sops then /. + sopsNixDir + "/modules/sops" else agenix + "/modules/age.nix")
      (repo + "/examples/hosts/${host}.nix")
      { boot.isContainer = true; system.stateVersion = "25.05"; }
      extra
    ] ++ extraModules;
  };
  sys = system { };
  c = sys.config;
  inherit (builtins) any attrNames elem filter getContext isList isString length map match readFile replaceStrings;
  mine = data.hosts.${host}.secrets;
  failedAssertions = cfg: map (a: a.message) (filter (a: !a.assertion) cfg.assertions);
  check = name: ok: value: { inherit name ok value; };
  has = list: x: isList list && elem x list;
  hasInfix = infix: text:
    let n = builtins.stringLength infix; in
    any (i: builtins.substring i n text == infix) (builtins.genList (i: i) (builtins.stringLength text - n + 1));
  # How Nix writes a string into a .drv file (ATerm).
  aterm = s: replaceStrings [ "\\" "\"" "\n" "\r" "\t" ] [ "\\\\" "\\\"" "\\n" "\\r" "\\t" ] s;

  sopsChecks = [
    (check "sops.secrets names = the host's secrets in nixsec/data.nix" (attrNames c.sops.secrets == attrNames mine) (attrNames c.sops.secrets))
  ] ++ map (n:
    let s = c.sops.secrets.${n}; d = mine.${n}; in
    check "sops.secrets.\"${n}\" (sopsFile, binary format, owner, mode, path)"
      (toString s.sopsFile == toString d.file && s.format == "binary" && s.owner == d.owner && s.mode == d.mode && s.path == credPath n)
      { sopsFile = toString s.sopsFile; inherit (s) format owner group mode path restartUnits neededForUsers; }
  ) (attrNames mine);

  ageChecks = [
    (check "age.secrets names = the host's secrets in nixsec/data.nix" (attrNames c.age.secrets == attrNames mine) (attrNames c.age.secrets))
  ] ++ map (n:
    let s = c.age.secrets.${n}; d = mine.${n}; in
    check "age.secrets.\"${n}\" (file, owner, group, mode, path)"
      (toString s.file == toString d.file && s.owner == d.owner && s.mode == d.mode
        && s.path == "/run/agenix/${n}" && (d.group == null || s.group == d.group))
      { file = toString s.file; inherit (s) owner group mode path; }
  ) (attrNames mine);

  common = (if sops then sopsChecks else ageChecks) ++ [
    (check "nixsec.host (default: networking.hostName)" (c.nixsec.host == host) c.nixsec.host)
    (check "failed assertions" (failedAssertions c == [ ]) (failedAssertions c))
    (let m = failedAssertions (system ({ lib, ... }: { nixsec.host = lib.mkForce "no-such-host"; })).config; in
      check "nixsec.host = \"no-such-host\": the module's assertion"
        (any (x: match "nixsec\\.host: no host \"no-such-host\" in the generated data.*" x != null) m) m)
  ];

  unit = name: c.systemd.services.${name};
  asList = v: if isList v then v else [ v ];
  # Where the host's backend installs secret n (sops-nix: user passwords before users exist).
  credPath = n: if !sops then "/run/agenix/${n}" else if elem n (nlib.userPasswordSecrets data.hosts.${host}) then "/run/secrets-for-users/${n}" else "/run/secrets/${n}";

  hannibal = [
    (check "services.withings-weights.oauthClientSecretFile = age path"
      (c.services.withings-weights.oauthClientSecretFile == c.age.secrets."withings/oauthClientSecret".path
        && c.services.withings-weights.oauthClientSecretFile == credPath "withings/oauthClientSecret")
      c.services.withings-weights.oauthClientSecretFile)
    (check "services.withings-weights.oauthClientIdFile = age path"
      (c.services.withings-weights.oauthClientIdFile == credPath "withings/oauthClientId")
      c.services.withings-weights.oauthClientIdFile)
    (check "systemd.services.withings-weights.restartTriggers has the secret's value id"
      (has (unit "withings-weights").restartTriggers mine."withings/oauthClientSecret".valueId)
      (unit "withings-weights").restartTriggers)
    (check "systemd.services.withings-weights.serviceConfig.LoadCredential (the service module's own)"
      ((unit "withings-weights").serviceConfig.LoadCredential == [ "client-id:${credPath "withings/oauthClientId"}" "client-secret:${credPath "withings/oauthClientSecret"}" ])
      (unit "withings-weights").serviceConfig.LoadCredential)
    (check "services.nginx.virtualHosts.\"weights.example.com\".basicAuthFile = age path (a quoted option path)"
      (c.services.nginx.virtualHosts."weights.example.com".basicAuthFile == credPath "nginx/weightsHtpasswd")
      c.services.nginx.virtualHosts."weights.example.com".basicAuthFile)
    (check "systemd.services.share-sync loads the rendered template cifs/alice, after nixsec-templates"
      (has (asList (unit "share-sync").serviceConfig.LoadCredential) "cifs:/run/nixsec/templates/cifs/alice"
        && has (unit "share-sync").after "nixsec-templates.service")
      (unit "share-sync").serviceConfig.LoadCredential)
    (check "systemd.services.nixsec-templates: a oneshot after agenix-install-secrets.service"
      ((unit "nixsec-templates").serviceConfig.Type == "oneshot" && has (unit "nixsec-templates").after "agenix-install-secrets.service")
      (unit "nixsec-templates").after)
    (check "no samba-smbd unit on hannibal, though it reads samba/alice (the samba wire names storage2)"
      (!(c.systemd.services ? samba-smbd)) (builtins.attrNames c.systemd.services))
  ];

  smbd = unit "samba-smbd";
  smbpasswd = "${c.services.samba.package}/bin/smbpasswd";
  scriptCheck = user:
    let
      entry = filter (e: match "\\+/nix/store/[0-9a-z]{32}-nixsec-smbpasswd-${user}" e != null) (if isList smbd.serviceConfig.ExecStartPre then smbd.serviceConfig.ExecStartPre else [ ]);
      drvs = if entry == [ ] then [ ] else filter (p: match ".*\\.drv" p != null) (attrNames (getContext (builtins.head entry)));
      drvText = if drvs == [ ] then "" else readFile (builtins.head drvs);
      expected = nlib.smbpasswdScript { inherit smbpasswd user; credential = nlib.sambaCredential user; };
      contains = s: hasInfix (aterm (builtins.unsafeDiscardStringContext s)) drvText;
    in [
      (check "samba-smbd ExecStartPre has +/nix/store/…-nixsec-smbpasswd-${user}" (length entry == 1) entry)
      (check "nixsec-smbpasswd-${user}: the script text (in its .drv) reads $CREDENTIALS_DIRECTORY, runs smbpasswd -a -s, names no secret's path"
        (drvs != [ ] && contains expected && contains "\${CREDENTIALS_DIRECTORY}/${nlib.sambaCredential user}"
          && contains "${smbpasswd} -a -s '${user}'" && !(contains "/run/agenix") && !(contains "/run/secrets"))
        { drv = drvs; text = expected; })
    ];

  storage2 = [
    (check "systemd.services.samba-smbd.serviceConfig.LoadCredential"
      (smbd.serviceConfig.LoadCredential == [ "nixsec-samba-alice:${credPath "samba/alice"}" "nixsec-samba-bob:${credPath "samba/bob"}" ])
      smbd.serviceConfig.LoadCredential)
    (check "systemd.services.samba-smbd.serviceConfig.ExecStartPre" (isList smbd.serviceConfig.ExecStartPre && length smbd.serviceConfig.ExecStartPre == 2) smbd.serviceConfig.ExecStartPre)
  ] ++ scriptCheck "alice" ++ scriptCheck "bob" ++ [
    (check "systemd.services.samba-smbd.restartTriggers has both value ids"
      (has smbd.restartTriggers mine."samba/alice".valueId && has smbd.restartTriggers mine."samba/bob".valueId) smbd.restartTriggers)
    (check "systemd.services.unlock.serviceConfig.LoadCredential"
      ((unit "unlock").serviceConfig.LoadCredential == [ "keyfile:${credPath "disk/unlockLocal"}" ]
        || (unit "unlock").serviceConfig.LoadCredential == "keyfile:${credPath "disk/unlockLocal"}")
      (unit "unlock").serviceConfig.LoadCredential)
    (check "users.users.alice.hashedPasswordFile" (c.users.users.alice.hashedPasswordFile == credPath "users/alice/hashedPassword") c.users.users.alice.hashedPasswordFile)
    (check "boot.initrd.secrets.\"/etc/secrets/initrd/ssh_host_ed25519_key\" = the secret's path"
      ((c.boot.initrd.secrets."/etc/secrets/initrd/ssh_host_ed25519_key" or null) == credPath "disk/initrdSshKey") c.boot.initrd.secrets)
    (check "sops.secrets restartUnits: samba-smbd for the samba passwords, unlock for the key half; neededForUsers for alice's hash"
      (c.sops.secrets."samba/alice".restartUnits == [ "samba-smbd.service" ] && c.sops.secrets."disk/unlockLocal".restartUnits == [ "unlock.service" ]
        && c.sops.secrets."users/alice/hashedPassword".neededForUsers)
      (builtins.mapAttrs (_: s: { inherit (s) restartUnits neededForUsers; }) c.sops.secrets))
    (let
      snippets = map (l: builtins.substring 31 (builtins.stringLength l - 32) l)
        (filter (l: isString l && match "#### Activation script snippet .*:" l != null) (builtins.split "\n" c.system.activationScripts.script));
      indexOf = x: builtins.head (filter (i: builtins.elemAt snippets i == x) (builtins.genList (i: i) (length snippets)));
      before = a: b: elem a snippets && elem b snippets && indexOf a < indexOf b;
    in check "activation: sops-nix's setupSecretsForUsers runs before users (alice's password file exists when users are created)"
      (before "setupSecretsForUsers" "users") snippets)
    (let m = failedAssertions (system ({ lib, ... }: { nixsec.host = lib.mkForce "hannibal"; })).config; in
      check "storage2 with nixsec.host = \"hannibal\": assertions name the options storage2 does not declare"
        (any (x: match ".*services\\.withings-weights\\.oauthClientSecretFile.*not an option of this configuration.*" x != null) m) m)
  ];

  chrysalis = [
    (check "systemd.services.withinbot.serviceConfig.EnvironmentFile"
      ((unit "withinbot").serviceConfig.EnvironmentFile == [ (credPath "withinbot/env") ]
        || (unit "withinbot").serviceConfig.EnvironmentFile == credPath "withinbot/env")
      (unit "withinbot").serviceConfig.EnvironmentFile)
    (check "systemd.services.withinbot.restartTriggers has the secret's value id" (has (unit "withinbot").restartTriggers mine."withinbot/env".valueId) (unit "withinbot").restartTriggers)
  ];

  # A made-up host "elsewhere" whose secret is wired into an attrsOf option
  # that every host declares: on this host it must create no wg0 interface.
  withElsewhere = hostName: { lib, ... }: {
    nixsec.data = lib.mkForce (data // { hosts = data.hosts // {
      elsewhere = {
        secrets."wg/key" = { file = repo + "/secrets/withinbot/env.age"; format = "text"; group = null; valueId = "made-up"; mode = "0400"; owner = "root"; };
        templates = { };
        wires = [ { secret = "wg/key"; option = [ "networking" "wireguard" "interfaces" "wg0" "privateKeyFile" ]; required = true; restart = [ ]; } ];
      };
    }; });
    nixsec.host = lib.mkForce hostName;
  };
  elsewhereHere = (system (withElsewhere host)).config;
  elsewhereThere = (system (withElsewhere "elsewhere")).config;
  chrysalis' = [
    (check "another host's secret wired to networking.wireguard.interfaces.wg0.privateKeyFile: no interface here, no failed assertion"
      (elsewhereHere.networking.wireguard.interfaces == { } && failedAssertions elsewhereHere == [ ])
      { interfaces = builtins.attrNames elsewhereHere.networking.wireguard.interfaces; failed = failedAssertions elsewhereHere; })
    (check "… and with nixsec.host = \"elsewhere\" the interface gets the age path"
      ((elsewhereThere.networking.wireguard.interfaces.wg0.privateKeyFile or null) == "/run/agenix/wg/key")
      (elsewhereThere.networking.wireguard.interfaces.wg0.privateKeyFile or null))
  ];

  specific = { inherit hannibal storage2; chrysalis = chrysalis ++ chrysalis'; }.${host};
  top = if toplevel then [ (check "config.system.build.toplevel.drvPath instantiates" true sys.config.system.build.toplevel.drvPath) ] else [ ];
in
common ++ specific ++ top
NIX

status=0
for host in "${hosts[@]}"; do
  echo "== $host"
  if ! out=$(NIX_PATH="nixpkgs=$nixpkgs" nix-instantiate --eval --strict --json --read-write-mode "$work/eval.nix" \
      --argstr nixpkgsDir "$nixpkgs" --argstr agenixDir "$agenix" --argstr sopsNixDir "$sopsnix" --argstr repoDir "$repo" --argstr host "$host" \
      --arg extraModules "$extraNix" --arg toplevel "$toplevel" 2>"$work/err"); then
    echo "FAIL evaluation:"; sed 's/^/    /' "$work/err" | tail -40; status=1; continue
  fi
  printf '%s' "$out" > "$work/$host.json"
  node -e '
    const checks = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    let bad = 0;
    for (const c of checks) {
      if (!c.ok) bad++;
      console.log(`${c.ok ? "ok  " : "FAIL"} ${c.name}`);
      const v = typeof c.value === "object" && c.value !== null && "text" in c.value
        ? JSON.stringify(c.value.drv) + "\n" + c.value.text.replace(/\n$/, "")
        : JSON.stringify(c.value);
      console.log(v.split("\n").map((l) => "       " + l).join("\n"));
    }
    process.exit(bad ? 1 : 0);
  ' "$work/$host.json" || status=1
done

# No decrypted value is in a derivation: the smbpasswd scripts' .drv files
# and, with --toplevel, every file in each system's derivation closure.
if ! [ -f "$repo/dist/nixsec.js" ]; then
  echo "(bin/nixsec.js is not built: the decrypted-value leak checks were skipped; run npm run build)"
  exit $status
fi
install -m 0600 "$repo/examples/keys/demo-admin.key" "$work/admin.key"
for host in "${hosts[@]}"; do
  [ -f "$work/$host.json" ] || continue
  files=$(node -e '
    for (const c of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))) {
      if (c.value && c.value.drv) console.log(c.value.drv.join("\n"));
      if (/toplevel/.test(c.name) && typeof c.value === "string") console.log(c.value);
    }' "$work/$host.json")
  [ -n "$files" ] || continue
  closure=$(for f in $files; do nix-store -q --requisites "$f"; done | sort -u)
  names=$(nix-instantiate --eval --strict --json -E "builtins.attrNames (import $repo/nixsec/data.nix).hosts.$host.secrets" | node -e 'for (const n of JSON.parse(require("fs").readFileSync(0, "utf8"))) console.log(n)')
  for name in $names; do
    (cd "$repo" && NIXSEC_IDENTITY="$work/admin.key" node bin/nixsec.js show "$name") > "$work/value"
    if printf '%s\n' $closure | node -e '
      const fs = require("fs");
      const value = fs.readFileSync(process.argv[1]);
      const needles = [value, ...value.toString("latin1").split("\n").filter((l) => l.length >= 8).map((l) => Buffer.from(l, "latin1"))];
      const files = fs.readFileSync(0, "utf8").split("\n").filter(Boolean);
      let hits = [];
      for (const f of files) {
        if (!fs.statSync(f).isFile()) continue;
        const buf = fs.readFileSync(f);
        if (needles.some((n) => n.length >= 8 && buf.includes(n))) hits.push(f);
      }
      console.log(hits.length ? `FAIL ${process.argv[2]}: its value is in ${hits.join(", ")}` : `ok   ${process.argv[2]}: its value is in none of the ${files.length} store files checked`);
      process.exit(hits.length ? 1 : 0);
    ' "$work/value" "$host $name"; then :; else status=1; fi
    rm -f "$work/value"
  done
done
exit $status
