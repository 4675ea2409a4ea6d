# flake-parts module: deploy-rs nodes and a dev shell
{ self, inputs, ... }:
{
  flake.deploy.nodes.hannibal = {
    hostname = "hannibal.example.org";
    sshUser = "deploy";
    sshOpts = [ "-i" "${./deploy/id_ed25519}" ]; # expect: secret-path-copied
    profiles.system = {
      user = "root";
      path = inputs.deploy-rs.lib.x86_64-linux.activate.nixos self.nixosConfigurations.hannibal;
    };
  };

  flake.deploy.nodes.storage2 = {
    hostname = "storage2.lan";
    sshUser = "deploy";
    sshOpts = [ "-i" "/home/alice/.ssh/deploy_ed25519" ];
    profiles.system.path = inputs.deploy-rs.lib.x86_64-linux.activate.nixos self.nixosConfigurations.storage2;
  };

  perSystem = { pkgs, ... }: {
    devShells.default = pkgs.mkShell {
      packages = [ pkgs.deploy-rs pkgs.nixsec ];
      env.GITHUB_TOKEN = "{{fake:github}}"; # expect: github-token
      env.NIXSEC_IDENTITY = "/home/alice/.config/nixsec/keys/homelab.key";
    };
    checks.statix = pkgs.runCommand "statix" { } "${pkgs.statix}/bin/statix check ${self} && touch $out";
  };
}
