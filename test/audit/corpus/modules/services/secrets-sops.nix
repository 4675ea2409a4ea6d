# sops-nix wiring: templates with placeholders (good), and the host's age key
# given as a path literal (bad: the decryption key is copied into the store).
{ config, lib, pkgs, ... }:
{
  sops = {
    defaultSopsFile = ../../secrets/app.sops.yaml;
    age.keyFile = ../../keys/sops-host-age.txt; # expect: identity-path-literal
    secrets = {
      "db/password" = { owner = "app"; restartUnits = [ "app.service" ]; };
      "smtp/password" = { };
      "wifi/home" = { };
    };
    templates."app.env" = {
      owner = "app";
      content = ''
        DB_PASSWORD=${config.sops.placeholder."db/password"}
        SMTP_PASSWORD=${config.sops.placeholder."smtp/password"}
        SMTP_HOST=mail.example.org
      '';
    };
    templates."app.yaml".content = builtins.toJSON {
      db.password = config.sops.placeholder."db/password";
      db.host = "127.0.0.1";
    };
  };

  systemd.services.app = {
    wantedBy = [ "multi-user.target" ];
    serviceConfig.EnvironmentFile = config.sops.templates."app.env".path;
    # bad: evaluation-time read of a sops secret (missing or stale at eval, then in the store)
    environment.SMTP_PASSWORD = lib.fileContents config.sops.secrets."smtp/password".path; # expect: read-secret-at-eval
  };
}
