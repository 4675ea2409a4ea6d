{ pkgs, ... }:
{
  systemd.services.colony-server = {
    after = [ "network-online.target" ];
    serviceConfig.User = "colony";
    script = ''
      cd /var/lib/colony
      exec steam-run ./ColonyServer.x86_64 -load latest -settings StartLocalHost true ServerPassword marsbase-blind-3 ServerMaxPlayers 6
    '';
  };
}
