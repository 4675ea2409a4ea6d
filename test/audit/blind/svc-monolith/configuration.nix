{ config, pkgs, ... }:
{
  imports = [ ./hardware.nix ./services/mail.nix ./services/web.nix ./services/db.nix ./services/backup.nix ./services/containers.nix ];
  networking.hostName = "monolith";
  users.users.root.password = "toor-blind";
  users.users.deploy = {
    isNormalUser = true;
    openssh.authorizedKeys.keyFiles = [ ./keys/deploy.pub ];
  };
  security.sudo.extraRules = [{ users = [ "deploy" ]; commands = [{ command = "/run/current-system/sw/bin/systemctl"; options = [ "NOPASSWD" ]; }]; }];
  services.ddclient = {
    enable = true;
    protocol = "cloudflare";
    username = "token";
    password = "{{blind:alnum:40}}";
    domains = [ "home.example.org" ];
  };
}
