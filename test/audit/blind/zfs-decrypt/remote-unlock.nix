{ config, pkgs, ... }:
{
  systemd.user.services.unlock-server = {
    path = [ pkgs.openssh pkgs.coreutils ];
    script = let
      passphrase = builtins.readFile "${config.keysDir}/server/unlock.pwd";
    in ''
      ssh server-initrd "zpool import -a && echo '${passphrase}' | zfs load-key -a && killall zfs"
    '';
    startAt = "Thu 19:10";
  };
}
