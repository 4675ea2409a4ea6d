#!/usr/bin/env bash
# Evaluates modules/nixsec.nix for real, without a nixpkgs checkout: nixpkgs'
# lib (lib.evalModules), the real module of each host's backend (agenix's, or
# sops-nix's for storage2), and stand-in declarations for the NixOS options
# they touch (scripts/eval-module-lite/standins.nix). Checks every wire of the
# example hosts against nixsec/data.nix (options, units, credentials,
# templates, initrd, restarts; that no wire creates a unit or a user; on
# sops-nix: sops.secrets, restartUnits, neededForUsers, the manifests
# sops-install-secrets reads), then made-up data for what the fleet lacks:
# quoted option paths, mailserver/containers/home-manager paths, per-host
# wires, missing units, users and options (assertions or warnings), a
# sops-nix host with a template (sops.templates and placeholders), data
# version and backend checks. Finally, no decrypted value of the example
# store is in a file the evaluation wrote to the store (needs the built
# bin/nixsec.js).
#
#   scripts/eval-module-lite.sh LIB AGENIX SOPS_NIX [HOST...]
#
# LIB is a checkout of nix-community/nixpkgs.lib (or of nixpkgs: any
# directory holding lib/), AGENIX one of ryantm/agenix, SOPS_NIX one of
# Mic92/sops-nix. HOSTs default to the three example hosts; "lab" is the
# made-up ones. Needs nix-instantiate and node. Prints every check; exits 1
# if one fails, 2 on usage errors. Not run by CI, which has none of the
# checkouts (scripts/eval-example-hosts.sh does the same with a whole nixpkgs).
set -euo pipefail

usage() { echo "usage: $0 LIB AGENIX SOPS_NIX [HOST...]" >&2; exit 2; }
[ $# -ge 3 ] || usage
libdir=$(cd "$1" && pwd) || usage
agenix=$(cd "$2" && pwd) || usage
sopsnix=$(cd "$3" && pwd) || usage
shift 3
hosts=("$@")
[ ${#hosts[@]} -gt 0 ] || hosts=(hannibal storage2 chrysalis lab)
[ -f "$libdir/lib/modules.nix" ] || { echo "$libdir: no lib/modules.nix (give a nixpkgs.lib or nixpkgs checkout)" >&2; exit 2; }
. "$(dirname "$0")/lib/eval-common.sh"

status=0
for host in "${hosts[@]}"; do
  echo "== $host"
  hostArg=(--argstr host "$host")
  [ "$host" = lab ] && hostArg=()
  if ! nix-instantiate --eval --strict --json --read-write-mode "$repo/scripts/eval-module-lite/eval.nix" \
      --argstr libDir "$libdir" --argstr agenixDir "$agenix" --argstr sopsNixDir "$sopsnix" --argstr repoDir "$repo" "${hostArg[@]}" \
      >"$work/$host.json" 2>"$work/err"; then
    echo "FAIL evaluation:"; grep -v "build-users-group" "$work/err" | sed 's/^/    /' | tail -40; status=1; continue
  fi
  node -e '
    const checks = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    let bad = 0;
    for (const c of checks) {
      if (!c.ok) bad++;
      console.log(`${c.ok ? "ok  " : "FAIL"} ${c.name}`);
      if (c.value !== null && (!c.ok || process.env.VERBOSE)) console.log(JSON.stringify(c.value, null, 1).split("\n").map((l) => "       " + l).join("\n"));
    }
    process.exit(bad ? 1 : 0);
  ' "$work/$host.json" || status=1
done

# No decrypted value is in a file the evaluation wrote (the samba and render
# scripts, the template text files, sops-nix's manifests): they would be
# world-readable in the store. The encrypted files copied there are left out.
if [ -f "$repo/bin/nixsec.js" ] && [ -f "$repo/dist/nixsec.js" ]; then
  written=$(grep -ho '/nix/store/[a-z0-9]\{32\}-[A-Za-z0-9._+-]*' "$work"/*.json | grep -v '\.\(age\|sops\.bin\)$' | sort -u | while read -r f; do [ -f "$f" ] && echo "$f"; done || true)
  install -m 0600 "$repo/examples/keys/demo-admin.key" "$work/admin.key"
  export NIXSEC_IDENTITY="$work/admin.key"
  names=$(cd "$repo" && node bin/nixsec.js list --json | node -e 'for (const s of JSON.parse(require("fs").readFileSync(0, "utf8"))) console.log(s.name)')
  for name in $names; do
    (cd "$repo" && node bin/nixsec.js show "$name") > "$work/value"
    if printf '%s\n' $written | node -e '
      const fs = require("fs");
      const value = fs.readFileSync(process.argv[1]);
      const needles = [value, ...value.toString("latin1").split("\n").filter((l) => l.length >= 8).map((l) => Buffer.from(l, "latin1"))].filter((n) => n.length >= 8);
      const files = fs.readFileSync(0, "utf8").split("\n").filter(Boolean);
      const hits = files.filter((f) => needles.some((n) => fs.readFileSync(f).includes(n)));
      console.log(hits.length ? `FAIL ${process.argv[2]}: its value is in ${hits.join(", ")}` : `ok   ${process.argv[2]}: its value is in none of the ${files.length} files the evaluation wrote`);
      process.exit(hits.length ? 1 : 0);
    ' "$work/value" "$name"; then :; else status=1; fi
  done
  rm -f "$work/value"
else
  echo "(bin/nixsec.js is not built: the decrypted-value leak check was skipped; run npm run build)"
fi
exit $status
