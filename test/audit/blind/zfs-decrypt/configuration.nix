{ config, pkgs, ... }:
{
  imports = [ ./options.nix ./remote-unlock.nix ];
  keysDir = "/root/keys";
  # networking.proxy.default = "http://user:password@proxy:port/";
  services.restic.backups.home = {
    paths = [ "/home/me" config.keysDir ];
    repository = "sftp:backup@nas:/srv/restic";
    passwordFile = "${config.keysDir}/restic/laptop.pwd";
  };
  users.users.me = { isNormalUser = true; };
}
