# nixops network
{
  network.description = "web fleet";
  web1 = { config, pkgs, ... }: {
    deployment.targetHost = "203.0.113.10";
    deployment.keys.app-db.text = "nixops-db-blind-pw";
    deployment.keys.app-db.user = "app";
    deployment.keys.smtp = { keyCommand = [ "rbw" "get" "smtp-relay" ]; destDir = "/run/keys"; };
    deployment.keys.tls-key.keyFile = ./keys/web1-tls.key.age;
    imports = [ ./hosts/web.nix ];
  };
  web2 = { ... }: {
    deployment.targetHost = "203.0.113.11";
    deployment.keys.app-db.text = builtins.readFile ./keys/app-db-password;
    imports = [ ./hosts/web.nix ];
  };
}
