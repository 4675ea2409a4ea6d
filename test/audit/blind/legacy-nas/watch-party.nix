{ pkgs, ... }:
{
  systemd.services.watch-party = {
    wantedBy = [ "multi-user.target" ];
    path = [ pkgs.python3 ];
    serviceConfig.WorkingDirectory = "/var/lib/watch-party";
    script = ''
      exec python server.py --port 8999 --password hunter2-blind-7 --stats-db-file stats.sqlite --salt QWERTYBLIND
    '';
  };
}
