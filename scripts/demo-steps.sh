#!/usr/bin/env bash
# What `npm run demo` shows. Grows with the store/wire issues; for now it
# demonstrates the age layer with throwaway keys in a temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
nixsec() { node bin/nixsec.js "$@"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "== a host key and an admin key"
ssh-keygen -q -t ed25519 -N '' -C 'root@hannibal (demo)' -f "$tmp/ssh_host_ed25519_key"
nixsec age keygen -o "$tmp/admin.key"
admin=$(sed -n 's/^# public key: //p' "$tmp/admin.key")
echo "== encrypt a secret to both (as agenix files are)"
printf 'demo-oauth-client-secret' | nixsec age encrypt -r "$admin" -r "$(cat "$tmp/ssh_host_ed25519_key.pub")" -o "$tmp/clientSecret.age"
nixsec age inspect "$tmp/clientSecret.age"
echo "== the host decrypts with its raw SSH host key, as agenix does"
nixsec age decrypt -i "$tmp/ssh_host_ed25519_key" "$tmp/clientSecret.age"; echo
if command -v age >/dev/null; then
  echo "== and so does the Go age CLI"
  age -d -i "$tmp/ssh_host_ed25519_key" "$tmp/clientSecret.age"; echo
fi
echo "== the sops-nix view of the same host key (ssh-to-age)"
nixsec age convert-ssh "$tmp/ssh_host_ed25519_key.pub"
