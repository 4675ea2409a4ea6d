#!/usr/bin/env bash
# What `npm run demo` shows: nixsec run on the example fleet at the top of
# this repository (nixsec.yaml, secrets/, nixsec/), with its TEST keys.
set -euo pipefail
cd "$(dirname "$0")/.."
nixsec() { node bin/nixsec.js "$@"; }
export NIXSEC_IDENTITY=$PWD/examples/keys/demo-admin.key NO_COLOR=${NO_COLOR-}
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "the fleet: hosts and secrets (nixsec.yaml)"
nixsec host list
nixsec list

step "where secrets are used (nixsec wire … --list)"
for s in withings/oauthClientSecret nginx/weightsHtpasswd samba/alice disk/unlockLocal disk/initrdSshKey users/alice/hashedPassword withinbot/env cifs/alice; do
  printf '%s:\n' "$s"; nixsec wire "$s" --list | sed 's/^/  /'
done

step "the generated Nix is up to date (nixsec gen --check)"
nixsec gen --check && echo "nixsec/data.nix, secrets/secrets.nix (agenix) and .sops.yaml (sops) match nixsec.yaml and secrets/"

step "an admin reads a value (nixsec show, demo admin key)"
nixsec show withings/oauthClientSecret; echo

step "a template (templates/cifs-alice), rendered as hannibal renders it (nixsec show)"
nixsec template list
nixsec show cifs/alice

step "hannibal decrypts its secret with its raw SSH host key, as agenix does"
nixsec age inspect secrets/withings/oauthClientSecret.age
if command -v age >/dev/null; then
  age -d -i examples/keys/hannibal_ssh_host_ed25519_key secrets/withings/oauthClientSecret.age; echo "   (Go age)"
else
  nixsec age decrypt -i examples/keys/hannibal_ssh_host_ed25519_key secrets/withings/oauthClientSecret.age; echo
fi
echo "storage2's key cannot:"
nixsec age decrypt -i examples/keys/storage2_ssh_host_ed25519_key secrets/withings/oauthClientSecret.age 2>&1 | sed 's/^/  /' || true

step "storage2 is on sops-nix: its secrets are sops files (secrets/NAME.sops.bin), samba/alice is stored for both backends"
nixsec host list
nixsec sops inspect secrets/samba/bob.sops.bin
# Key files are 0644 in git (TEST keys); nixsec warns about that, so use private copies.
keys=$(mktemp -d); trap 'rm -rf "$keys"' EXIT
install -m 0600 examples/keys/storage2_ssh_host_ed25519_key examples/keys/demo-admin.key "$keys/"
echo "storage2 decrypts with its SSH host key converted to age (sops.age.sshKeyPaths), as sops-nix does:"
nixsec sops decrypt -i "$keys/storage2_ssh_host_ed25519_key" secrets/samba/bob.sops.bin | sed 's/./*/g'; echo "   (the value, masked here)"
echo "the same value in hannibal's age file and storage2's sops file:"
[ "$(nixsec age decrypt -i "$keys/demo-admin.key" secrets/samba/alice.age)" = "$(nixsec sops decrypt -i "$keys/demo-admin.key" secrets/samba/alice.sops.bin)" ] && echo "  samba/alice: equal"
head -12 .sops.yaml

if command -v nix-instantiate >/dev/null; then
  step "what the nixsec NixOS module configures on each host (modules/lib.nix on nixsec/data.nix; restartTriggers are value ids)"
  nix-instantiate --eval --strict --json -E '
    let
      lib = import ./modules/lib.nix;
      data = import ./nixsec/data.nix;
      perHost = host: let
        hostData = lib.forHost data host;
        sops = hostData.backend == "sops-nix";
        # sops-nix paths as its module gives them (user passwords before users exist).
        secretPath = n: if !sops then "/run/agenix/${n}" else if builtins.elem n (lib.userPasswordSecrets hostData) then "/run/secrets-for-users/${n}" else "/run/secrets/${n}";
        pathOf = w: if w ? secret then secretPath w.secret else if sops then "/run/secrets/rendered/${w.template}" else "${lib.templatesDir}/${w.template}";
        plan = lib.hostPlan {
          inherit host hostData pathOf; hasUnit = _: true; hasUser = _: true; templateUnit = if sops then null else lib.renderUnit;
          smbpasswdScriptFor = user: cred: "<smbpasswd script for ${user}>"; };
      in {
        backend = hostData.backend;
        ${if sops then "sops.secrets" else "age.secrets"} = if sops
          then builtins.mapAttrs (n: s: removeAttrs s [ "sopsFile" ]) (lib.sopsSecrets { inherit hostData; restartUnits = n: map (u: u + ".service") (plan.restarts."secret:${n}" or [ ]); })
          else builtins.mapAttrs (n: s: removeAttrs s [ "file" ]) (lib.ageSecrets hostData.secrets);
        "systemd.services" = plan.units;
        "options" = builtins.listToAttrs (map (t: { name = lib.showOption t.path; inherit (t) value; }) (lib.optionTargets { inherit hostData pathOf; }));
        "users.users" = plan.users;
        "boot.initrd.secrets" = plan.initrd;
      };
    in builtins.listToAttrs (map (h: { name = h; value = perHost h; }) (lib.hostNames data))' |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const clean=o=>Array.isArray(o)?o.map(clean):o&&typeof o==="object"?Object.fromEntries(Object.entries(o).filter(([,v])=>!(Array.isArray(v)&&v.length===0)).map(([k,v])=>[k,clean(v)])):o;console.log(JSON.stringify(clean(JSON.parse(s)),null,2))})'
fi
