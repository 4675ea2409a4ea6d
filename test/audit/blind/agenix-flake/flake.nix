{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    agenix.url = "github:ryantm/agenix";
    private = { url = "git+ssh://git@github.com/example/private-secrets"; flake = false; };
  };
  outputs = inputs: { nixosConfigurations.box = inputs.nixpkgs.lib.nixosSystem { modules = [ ./nixos ]; specialArgs = { inherit inputs; }; }; };
}
