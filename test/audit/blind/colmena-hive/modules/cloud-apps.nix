{ config, ... }:
let keys = config.deployment.keys;
in {
  services.nextcloud.config.adminpassFile = "${keys.nextcloud-admin.path}";
  services.nextcloud.secretFile = keys.nextcloud-secrets.path;
  services.restic.backups.cloud = {
    passwordFile = config.deployment.keys.restic-password.path;
    rcloneConfigFile = "/etc/keys/rclone.conf";
    repository = "rclone:remote:cloud";
  };
  services.vaultwarden.environmentFile = keys.vaultwarden-env.path;
  boot.initrd.luks.devices.raid.keyFile = "/mnt-root/etc/secrets/raid-keyfile";
}
