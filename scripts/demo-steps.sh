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
nixsec gen --check && echo "nixsec/data.nix and secrets/secrets.nix match nixsec.yaml and secrets/"

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

if command -v nix-instantiate >/dev/null; then
  step "what the nixsec NixOS module configures on each host (modules/lib.nix on nixsec/data.nix; restartTriggers are value ids)"
  nix-instantiate --eval --strict --json -E '
    let
      lib = import ./modules/lib.nix;
      data = import ./nixsec/data.nix;
      pathOf = w: if w ? secret then "/run/agenix/${w.secret}" else "${lib.templatesDir}/${w.template}";
      perHost = host: let hostData = lib.forHost data host; plan = lib.hostPlan {
          inherit host hostData pathOf; hasUnit = _: true; hasUser = _: true; templateUnit = lib.renderUnit;
          smbpasswdScriptFor = user: cred: "<smbpasswd script for ${user}>"; }; in {
        "age.secrets" = builtins.mapAttrs (n: s: removeAttrs s [ "file" ]) (lib.ageSecrets hostData.secrets);
        "systemd.services" = plan.units;
        "options" = builtins.listToAttrs (map (t: { name = lib.showOption t.path; inherit (t) value; }) (lib.optionTargets { inherit hostData pathOf; }));
        "users.users" = plan.users;
        "boot.initrd.secrets" = plan.initrd;
      };
    in builtins.listToAttrs (map (h: { name = h; value = perHost h; }) (lib.hostNames data))' |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const clean=o=>Array.isArray(o)?o.map(clean):o&&typeof o==="object"?Object.fromEntries(Object.entries(o).filter(([,v])=>!(Array.isArray(v)&&v.length===0)).map(([k,v])=>[k,clean(v)])):o;console.log(JSON.stringify(clean(JSON.parse(s)),null,2))})'
fi
