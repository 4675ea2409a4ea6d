{
  description = "home infrastructure, deployed with colmena";
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  outputs = { self, nixpkgs, ... }: {
    colmena = import ./hive.nix { inherit nixpkgs; secrets = import ./vault.nix; };
  };
}
