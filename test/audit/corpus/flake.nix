{
  description = "alice's homelab: hannibal, storage2, chrysalis, the router and the builder";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
    home-manager.url = "github:nix-community/home-manager/release-24.11";
    home-manager.inputs.nixpkgs.follows = "nixpkgs";
    agenix.url = "github:ryantm/agenix";
    sops-nix.url = "github:Mic92/sops-nix";
    # a private flake of secrets: reading from it at eval time is the anti-pattern below
    my-secrets = {
      url = "git+ssh://git@git.lan/alice/nix-secrets.git";
      flake = false;
    };
  };

  nixConfig = {
    extra-substituters = [ "https://cache.lan" ];
    extra-trusted-public-keys = [ "cache.lan-1:kVgb4fTX3U4dXkO6Wq1k9ZtE8w3pQy2vBn7mC5xR0aE=" ];
    access-tokens = "github.com={{fake:github}}"; # expect: github-token
  };

  outputs = { self, nixpkgs, home-manager, agenix, sops-nix, my-secrets, ... }@inputs:
    let
      system = "x86_64-linux";
      pkgs = nixpkgs.legacyPackages.${system};
      mkHost = name: extraModules: nixpkgs.lib.nixosSystem {
        inherit system;
        specialArgs = { inherit inputs; };
        modules = [
          ./hosts/${name}/configuration.nix
          agenix.nixosModules.default
          sops-nix.nixosModules.sops
          home-manager.nixosModules.home-manager
        ] ++ extraModules;
      };
    in {
      nixosConfigurations = {
        hannibal = mkHost "hannibal" [ ];
        storage2 = mkHost "storage2" [ ];
        chrysalis = mkHost "chrysalis" [ ./hosts/chrysalis/wifi.nix ];
        router = mkHost "router" [ ];
        legacy = mkHost "legacy" [
          {
            # inline module: the wifi password read from the private secrets flake at eval time
            networking.wireless.networks.Attic.psk = builtins.readFile "${my-secrets}/wifi/attic"; # expect: read-secret-at-eval
          }
        ];
      };

      checks.${system} = {
        login = import ./tests/vm-login.nix { inherit pkgs; };
        wireguard = import ./tests/wireguard.nix { inherit pkgs; };
      };

      devShells.${system}.default = pkgs.mkShell {
        packages = [ pkgs.age pkgs.sops pkgs.ssh-to-age ];
        shellHook = ''
          export SOPS_AGE_KEY_FILE=$HOME/.config/sops/age/keys.txt
        '';
      };
    };
}
