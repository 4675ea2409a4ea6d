# nixsec built with nixpkgs' Node tooling: buildNpmPackage, with the npm
# dependencies from importNpmLock (one fetchurl per package, checked against
# the lock's sha512 `integrity`; no aggregate npmDepsHash to keep current).
# npm-lock.nix says why the lock is given `resolved` URLs here.
#
# libsodium: sodium-native ships prebuilt N-API addons; the one for this
# platform is kept (patched to find libstdc++ on Linux) and must load and
# pass a known-answer check in installCheck, so a package that silently falls
# back never ships. `withSodium = false` leaves it out: node:crypto then does
# the same work and writes the same files (README, "Rotation").
{
  lib,
  stdenv,
  buildNpmPackage,
  importNpmLock,
  nodejs,
  installShellFiles,
  autoPatchelfHook,
  # Where the lock's packages are fetched from. This repository names no
  # registry host (a house rule: what fetches reads the registry from the
  # system's configuration), so it comes from the caller
  # (`nixsec.override { npmRegistry = "https://…/"; }`) or, under
  # `--impure`, from NPM_CONFIG_REGISTRY / npm_config_registry as npm reads it.
  npmRegistry ? null,
  withSodium ? !stdenv.hostPlatform.isMusl, # the Linux prebuilds link glibc
}:
let
  fromEnv = let upper = builtins.getEnv "NPM_CONFIG_REGISTRY"; in if upper != "" then upper else builtins.getEnv "npm_config_registry";
  registry =
    if npmRegistry != null then npmRegistry
    else if fromEnv != "" then fromEnv
    else throw ''
      nixsec: no npm registry to fetch the lock's packages from.
      The lock carries no `resolved` URLs and nix/package.nix names no registry host.
      Either pass one: nixsec.override { npmRegistry = "https://<registry>/"; }
      or evaluate impurely with npm's setting in the environment:
        NPM_CONFIG_REGISTRY="$(npm config get registry)" nix build --impure .#nixsec
    '';
  packageJSON = lib.importJSON ../package.json;
  lock = lib.importJSON ../package-lock.json;
  host = stdenv.hostPlatform;

  # What the build reads; tests, benchmarks and the example fleet stay out.
  # (builtins.path rather than lib.fileset, which needs Nix >= 2.14 to evaluate.)
  keep = [ "package.json" "package-lock.json" "tsconfig.json" "README.md" "bin" "src" "scripts/build.mjs" "modules" "schema" "docs/man" ];
  root = toString ../.;
  startsWith = prefix: s: builtins.substring 0 (builtins.stringLength prefix) s == prefix;
  src = builtins.path {
    name = "nixsec-source";
    path = ../.;
    filter = path: type:
      let rel = builtins.substring (builtins.stringLength root + 1) (-1) (toString path);
      in builtins.any (k: rel == k || startsWith "${k}/" rel || (type == "directory" && startsWith "${rel}/" k)) keep;
  };

  # sodium-native and what it requires, from the lock: the only modules the
  # bundle in dist/ loads from node_modules at run time.
  sodiumModules = map (e: e.key) (builtins.genericClosure {
    startSet = [ { key = "sodium-native"; } ];
    operator = e:
      let p = lock.packages."node_modules/${e.key}" or { };
      in map (key: { inherit key; }) (builtins.attrNames ((p.dependencies or { }) // (p.optionalDependencies or { })));
  });
  prebuild = "${host.node.platform}-${host.node.arch}";
in
buildNpmPackage {
  pname = packageJSON.name;
  inherit (packageJSON) version;
  inherit src nodejs;

  npmDeps = importNpmLock {
    npmRoot = src;
    package = packageJSON;
    packageLock = import ./npm-lock.nix {
      inherit lock;
      inherit registry;
      os = host.node.platform;
      cpu = host.node.arch;
      libc = if host.isMusl then "musl" else if host.isLinux then "glibc" else null;
    };
  };
  npmConfigHook = importNpmLock.npmConfigHook;
  # No dependency's install script runs: nixsec needs none (esbuild's binary
  # comes as an optional package, sodium-native's addons are prebuilt).
  npmRebuildFlags = [ "--ignore-scripts" ];
  # Pruning is replaced by keeping sodium-native alone (postInstall).
  dontNpmPrune = true;

  nativeBuildInputs = [ installShellFiles ] ++ lib.optionals (withSodium && host.isLinux) [ autoPatchelfHook ];
  buildInputs = lib.optionals (withSodium && host.isLinux) [ stdenv.cc.cc.lib ];

  postInstall = ''
    pkg=$out/lib/node_modules/${packageJSON.name}
    # dist/ is a bundle of every other dependency.
    mkdir $TMPDIR/keep
    ${lib.optionalString withSodium ''
      if [ ! -d node_modules/sodium-native/prebuilds/${prebuild} ]; then
        echo "sodium-native has no prebuilt addon for ${prebuild}; build with withSodium = false" >&2
        exit 1
      fi
      for m in ${lib.escapeShellArgs sodiumModules}; do
        mkdir -p "$TMPDIR/keep/$(dirname "$m")"
        cp -r "node_modules/$m" "$TMPDIR/keep/$m"
      done
      find $TMPDIR/keep/sodium-native/prebuilds -mindepth 1 -maxdepth 1 ! -name ${prebuild} -exec rm -r {} +
      rm -f $TMPDIR/keep/sodium-native/prebuilds/${prebuild}/*.bare
    ''}
    rm -rf $pkg/node_modules
    if [ -n "$(ls -A $TMPDIR/keep)" ]; then mv $TMPDIR/keep $pkg/node_modules; fi

    installManPage $pkg/docs/man/*.1
    installShellCompletion --cmd nixsec \
      --bash <($out/bin/nixsec completion bash) \
      --zsh <($out/bin/nixsec completion zsh) \
      --fish <($out/bin/nixsec completion fish)
  '';

  doInstallCheck = true;
  installCheckPhase = ''
    runHook preInstallCheck
    [ "$($out/bin/nixsec --version)" = ${lib.escapeShellArg packageJSON.version} ]
    ${lib.optionalString withSodium ''
      # RFC 7748 §6.1: Alice's public key from her private key, through libsodium.
      ${nodejs}/bin/node -e '
        const s = require(process.argv[1]);
        const pub = Buffer.alloc(32);
        s.crypto_scalarmult_base(pub, Buffer.from("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", "hex"));
        if (pub.toString("hex") !== "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a") process.exit(1);
      ' $out/lib/node_modules/${packageJSON.name}/node_modules/sodium-native \
        || { echo "sodium-native does not load here; build with withSodium = false (node:crypto does the same work)" >&2; exit 1; }
    ''}
    runHook postInstallCheck
  '';

  meta = {
    description = packageJSON.description;
    license = lib.licenses.mit;
    mainProgram = "nixsec";
    platforms = lib.platforms.linux ++ lib.platforms.darwin;
  };
}
