{ config, pkgs, ... }:
{
  systemd.services.restic-backups-home.serviceConfig.EnvironmentFile = config.age.secrets.ntfy.path;
  systemd.services.restic-backups-home.postStop = ''
    if [ "$SERVICE_RESULT" != "success" ]; then
      ${pkgs.curl}/bin/curl -u "$NTFY_USER:$NTFY_PASS" -d "backup failed on $(hostname)" https://push.home.example/backups
    fi
  '';
}
