# restic backups: the nixpkgs module with passwordFile (good), and a
# hand-written prune job with the repository password inline (bad).
{ config, lib, pkgs, ... }:

{
  services.restic.backups = {
    b2 = {
      repository = "b2:alice-backups:/";
      passwordFile = config.age.secrets.restic-password.path;
      environmentFile = config.age.secrets.b2-env.path;
      paths = [ "/srv" "/home" ];
      timerConfig.OnCalendar = "daily";
      pruneOpts = [ "--keep-daily 7" "--keep-weekly 5" ];
    };
    local = {
      repository = "/mnt/backup/restic";
      passwordFile = "/etc/nixos/secrets/restic-local";
      paths = [ "/srv" ];
      backupPrepareCommand = ''
        ${pkgs.postgresql}/bin/pg_dumpall > /srv/db/all.sql
      '';
    };
    usb = {
      repository = "/mnt/usb/restic";
      passwordFile = ./secrets/restic-usb-password; # expect: secret-file-path-literal
      paths = [ "/home" ];
    };
  };

  systemd.services.restic-check = {
    startAt = "monthly";
    path = [ pkgs.restic ];
    environment = {
      RESTIC_REPOSITORY = "b2:alice-backups:/";
      RESTIC_PASSWORD = "B2-Restic-Repo-Pw-2024"; # expect: environment-secret
      B2_ACCOUNT_ID = "0012f3e4d5c6";
      B2_ACCOUNT_KEY = "K001zYxWvUtSrQpOnMlKjIhGfEdCbA98"; # expect: environment-secret
    };
    script = "restic check --read-data-subset=5%";
  };

  systemd.services.rclone-mirror = {
    startAt = "hourly";
    serviceConfig = {
      ExecStart = lib.concatStringsSep " " [
        "${pkgs.rclone}/bin/rclone"
        "sync"
        "--b2-account 0012f3e4d5c6"
        "--b2-key K001mirrorKeyAbCdEf123456" # expect: cmdline-secret
        "/srv/photos"
        "b2:alice-photos"
      ];
      LoadCredential = "rclone.conf:/run/agenix/rclone-conf";
    };
  };
}
