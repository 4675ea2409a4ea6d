# nixsec's NixOS module, and the example fleet of this repository as NixOS
# configurations (evaluate with `nix flake check` after `nix flake lock`).
{
  description = "nixsec: secrets for NixOS fleets";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    agenix.url = "github:ryantm/agenix";
    agenix.inputs.nixpkgs.follows = "nixpkgs";
  };

  outputs = { nixpkgs, agenix, ... }:
    let
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
      nixosModules.default = ./modules/nixsec.nix;
      nixosModules.nixsec = ./modules/nixsec.nix;
      nixosConfigurations = nixpkgs.lib.genAttrs [ "hannibal" "storage2" "chrysalis" ] host;
    };
}
