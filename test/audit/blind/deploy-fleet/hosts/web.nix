{ config, ... }:
{
  sops.age.keyFile = ../keys/host-age.txt;
  age.identityPaths = [ ../keys/deploy_ed25519 ];
  sops.defaultSopsFile = ../secrets.yaml;
  services.app.databasePasswordFile = "/run/keys/app-db";
}
