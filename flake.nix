# nixsec as a flake: the CLI (packages, apps, overlay, devShell), its NixOS
# module, checks, and the example fleet of this repository as NixOS
# configurations. README, "Install with Nix", lists the outputs; the CLI's
# derivation is nix/package.nix.
{
  description = "nixsec: secrets for NixOS fleets";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    agenix.url = "github:ryantm/agenix";
    agenix.inputs.nixpkgs.follows = "nixpkgs";
  };

  outputs = { self, nixpkgs, agenix, ... }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});

      host = name: nixpkgs.lib.nixosSystem {
        system = "x86_64-linux";
        modules = [
          agenix.nixosModules.default
          ./examples/hosts/${name}.nix
          { boot.isContainer = true; system.stateVersion = "25.05"; }
        ];
      };
    in
    {
      overlays.default = final: _prev: { nixsec = final.callPackage ./nix/package.nix { }; };

      packages = forAllSystems (pkgs: rec {
        nixsec = pkgs.callPackage ./nix/package.nix { };
        default = nixsec;
      });

      apps = forAllSystems (pkgs: {
        default = { type = "app"; program = "${self.packages.${pkgs.stdenv.hostPlatform.system}.default}/bin/nixsec"; };
      });

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          # What `npm test` runs for real, from nixpkgs instead of Debian.
          packages = with pkgs; [ nodejs age nix pre-commit git openssh tmux zsh fish groff ];
        };
      });

      checks = forAllSystems (pkgs: {
        package = self.packages.${pkgs.stdenv.hostPlatform.system}.default;
        # The module's tests (modules/lib.nix under nix-instantiate) and the
        # docs' freshness, run from the package's own build tree.
        module-tests = self.packages.${pkgs.stdenv.hostPlatform.system}.default.overrideAttrs (old: {
          pname = "nixsec-module-tests";
          src = ./.;
          doCheck = true;
          nativeCheckInputs = [ pkgs.nix ];
          checkPhase = ''
            runHook preCheck
            export HOME=$TMPDIR NIX_REMOTE=dummy:// NIX_STATE_DIR=$TMPDIR/nix NIX_CONF_DIR=$TMPDIR/nix-conf
            npx vitest run test/nixgen/module-lib.test.ts
            node scripts/gen-docs.mjs --check
            runHook postCheck
          '';
          doInstallCheck = false;
          installPhase = "touch $out";
        });
      });

      # The NixOS module; keep these names (README, docs/options.md). An
      # attrset importing the file, not the bare path: Nix before 2.10's
      # `flake check` refuses paths here, and importing by path keeps the
      # module system's de-duplication when a configuration imports it twice.
      nixosModules.default = { imports = [ ./modules/nixsec.nix ]; };
      nixosModules.nixsec = self.nixosModules.default;

      nixosConfigurations = nixpkgs.lib.genAttrs [ "hannibal" "storage2" "chrysalis" ] host;
    };
}
