# package-lock.json as importNpmLock needs it: every package this platform
# installs gets `resolved`, its tarball URL on `registry`, derived from its
# name and version as npm's registry lays tarballs out
# (REGISTRY/NAME/-/BASENAME-VERSION.tgz, BASENAME without the @scope/).
#
# Why: the committed lock has no `resolved` (npm's
# omit-lockfile-registry-resolved; this repository names no registry), and
# nixpkgs' npm fetchers skip such entries: fetchNpmDeps (prefetch-npm-deps,
# src/parse/lock.rs) keeps only packages whose `resolved` is a URL, and
# importNpmLock's fetchModule returns null without one, leaving npm to fetch
# it in the sandbox, which has no network. The lock's `integrity` (sha512)
# is what fetchurl checks each tarball against, so the URL decides only
# where a file comes from, never what it is.
#
# Packages for other platforms (os/cpu/libc fields, as npm reads them) are
# left without `resolved`: npm skips them on this platform, and Nix does not
# download every platform's esbuild and rollup binaries.
# Builtins only, so test/packaging/builder.test.ts evaluates it without nixpkgs.
{ lock, registry, os, cpu, libc ? null }:
let
  inherit (builtins) any elem filter length mapAttrs match replaceStrings substring stringLength;
  lastAfter = sep: s: let m = match ".*${sep}(.*)" s; in if m == null then s else builtins.head m;
  trimSlash = s: if s != "" && substring (stringLength s - 1) 1 s == "/" then trimSlash (substring 0 (stringLength s - 1) s) else s;

  # npm's rule for os/cpu/libc lists: a plain entry admits, `!x` excludes.
  admits = value: list:
    let positive = filter (x: substring 0 1 x != "!") list;
    in !(elem "!${value}" list) && (positive == [ ] || elem value positive);
  installsHere = p:
    admits os (p.os or [ ]) && admits cpu (p.cpu or [ ])
    && (libc == null || admits libc (p.libc or [ ]));

  tarball = key: p:
    let name = p.name or (lastAfter "node_modules/" key);
    in "${trimSlash registry}/${name}/-/${lastAfter "/" name}-${p.version}.tgz";

  fill = key: p:
    if key == "" || p.link or false || p.inBundle or false || p ? resolved || !(p ? integrity) || !(p ? version) || !(installsHere p) then p
    else p // { resolved = tarball key p; };
in
lock // { packages = mapAttrs fill lock.packages; }
