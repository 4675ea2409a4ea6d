# vaultwarden: ADMIN_TOKEN belongs in environmentFile
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.services.vaultwarden;
  domain = "vault.example.org";
in
{
  services.vaultwarden = {
    enable = true;
    backupDir = "/var/backup/vaultwarden";
    environmentFile = config.age.secrets.vaultwarden-env.path;
    config = mkMerge [
      {
        DOMAIN = "https://${domain}";
        SIGNUPS_ALLOWED = false;
        ROCKET_ADDRESS = "127.0.0.1";
        ROCKET_PORT = 8222;
        SMTP_HOST = "mail.example.org";
        SMTP_FROM = "vault@example.org";
        SMTP_USERNAME = "vault@example.org";
      }
      (mkIf (cfg.dbBackend == "postgresql") {
        DATABASE_URL = "postgresql://vaultwarden@/vaultwarden";
      })
      (mkIf true {
        ADMIN_TOKEN = "$argon2id$v=19$m=65540,t=3,p=4$fakesaltfakesalt$fakehashfakehashfakehashfakehashfakehash0";
        SMTP_PASSWORD = "Vw-Smtp-Password-16"; # expect: secret-option-literal
      })
    ];
  };
}
