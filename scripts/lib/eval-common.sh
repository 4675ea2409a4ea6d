# Sourced by scripts/eval-module-lite.sh and scripts/eval-example-hosts.sh
# after they have read $agenix and $sopsnix: checks the two checkouts and
# nix-instantiate (exit 2, naming what is wrong), then sets $repo (this
# repository) and $work (a temporary directory removed on exit).
[ -f "$agenix/modules/age.nix" ] || { echo "$agenix: not an agenix checkout (no modules/age.nix)" >&2; exit 2; }
[ -f "$sopsnix/modules/sops/default.nix" ] || { echo "$sopsnix: not a sops-nix checkout (no modules/sops/default.nix)" >&2; exit 2; }
command -v nix-instantiate >/dev/null || { echo "nix-instantiate not found" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
