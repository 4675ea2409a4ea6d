#!/usr/bin/env bash
# Recreates the example fleet at the top of this repository (nixsec.yaml,
# secrets/, nixsec/) from scratch, with new TEST keys under examples/keys/.
# Run by hand only: it changes every ciphertext. The values are fake.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs
nixsec() { node bin/nixsec.js "$@"; }
rm -rf nixsec.yaml secrets nixsec templates examples/keys
mkdir -p examples/keys
export HOME=$(mktemp -d) NO_COLOR=1
trap 'rm -rf "$HOME"' EXIT

for host in hannibal storage2 chrysalis; do
  ssh-keygen -q -t ed25519 -N '' -C "TEST KEY root@$host (nixsec demo, not secret)" -f "examples/keys/${host}_ssh_host_ed25519_key"
done
nixsec age keygen -o examples/keys/demo-admin.key 2>/dev/null
sed -i '1i # TEST KEY: the nixsec demo admin. Public in this repository; never use it for real secrets.' examples/keys/demo-admin.key

admin=$(sed -n 's/^# public key: //p' examples/keys/demo-admin.key)
# `nixsec init` refuses a key inside the repository; the demo is the exception.
cat > nixsec.yaml <<YAML
# The example fleet: a homelab moving services off Docker onto NixOS modules.
# Every key here is a TEST key (examples/keys/); every value is fake.
version: 1

settings:
  secretsDir: secrets
  backend: agenix
  generatedDir: nixsec

admins:
  demo-admin:
    key: "$admin"

hosts: {}

secrets: {}
YAML
mkdir -p secrets
printf '# age files are binary: no text diffs or merges\n*.age binary\n# the lock has one line per secret; a union merge keeps both sides (nixsec resolves duplicates)\nnixsec.lock merge=union\n' > secrets/.gitattributes
export NIXSEC_IDENTITY=$PWD/examples/keys/demo-admin.key
for host in hannibal storage2 chrysalis; do nixsec host add "$host" --key-file "examples/keys/${host}_ssh_host_ed25519_key.pub"; done

# hannibal runs withings-weights, which reads its OAuth client from *File options.
printf 'demo-withings-client-id-0001' | nixsec add withings/oauthClientId --host hannibal --owner withings-weights --stdin --description "Withings OAuth client id"
printf 'demo-withings-client-secret-NOT-REAL' | nixsec add withings/oauthClientSecret --host hannibal --owner withings-weights --stdin --description "Withings OAuth client secret"
nixsec wire withings/oauthClientId --option services.withings-weights.oauthClientIdFile
nixsec wire withings/oauthClientSecret --option services.withings-weights.oauthClientSecretFile --restart withings-weights

# storage2 is the NAS: two samba users, a LUKS unlock key half, a login password.
nixsec add samba/alice --host storage2 --generate password --length 24 --description "samba password of alice"
nixsec add samba/bob --host storage2 --generate password --length 24 --description "samba password of bob"
nixsec grant samba/alice --host hannibal   # hannibal mounts the share as alice (templates.cifs/alice below)
nixsec wire samba/alice --samba-user alice --host storage2
nixsec wire samba/bob --samba-user bob
head -c 64 /dev/urandom > "$HOME/unlock.bin"
nixsec add disk/unlockLocal --host storage2 --format binary --from-file "$HOME/unlock.bin" --description "local half of the LUKS unlock key"
nixsec wire disk/unlockLocal --credential unlock:keyfile
nixsec add users/alice/password --generate password --length 20 --description "alice's login password (admins only; the host gets the hash)"
nixsec add users/alice/hashedPassword --host storage2 --generate password-hash --from users/alice/password
nixsec wire users/alice/hashedPassword --user-password alice
nixsec add disk/initrdSshKey --host storage2 --generate ssh-ed25519 --description "SSH host key of storage2's initrd (remote LUKS unlock)"
nixsec wire disk/initrdSshKey --initrd /etc/secrets/initrd/ssh_host_ed25519_key

# hannibal: nginx in front of withings-weights (a quoted option path), and the
# cifs credentials of alice rendered from a template for share-sync.
printf '%s' 'alice:{PLAIN}demo-basic-auth-NOT-REAL' | nixsec add nginx/weightsHtpasswd --host hannibal --owner nginx --stdin --description "basic auth of the weights site"
nixsec wire nginx/weightsHtpasswd --option 'services.nginx.virtualHosts."weights.example.com".basicAuthFile'
mkdir -p templates
printf '# mount.cifs credentials of alice for the share on storage2 (nixsec renders the password in)\nusername=alice\npassword={{ nixsec:samba/alice }}\ndomain=WORKGROUP\n' > templates/cifs-alice
nixsec template add cifs/alice --host hannibal --from-file templates/cifs-alice --description "alice's credentials for storage2's share"
nixsec wire cifs/alice --credential share-sync:cifs

# chrysalis runs withinbot, configured by an environment file.
printf 'DISCORD_TOKEN=demo-discord-token-NOT-REAL\nWITHINBOT_GUILD=123456789\n' > "$HOME/withinbot.env"
nixsec add withinbot/env --host chrysalis --owner withinbot --format env --from-file "$HOME/withinbot.env" --description "withinbot environment"
nixsec wire withinbot/env --environment-file withinbot

nixsec gen
