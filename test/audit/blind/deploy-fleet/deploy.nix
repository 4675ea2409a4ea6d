{ self, deploy-rs, ... }:
{
  deploy.nodes.web1 = {
    hostname = "web1.example.net";
    sshUser = "root";
    sshOpts = [ "-i" "~/.ssh/deploy_ed25519" ];
    profiles.system.path = deploy-rs.lib.x86_64-linux.activate.nixos self.nixosConfigurations.web1;
  };
}
