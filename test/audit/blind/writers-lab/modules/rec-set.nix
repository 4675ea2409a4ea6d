{ pkgs, ... }:
let
  db = rec {
    user = "wiki";
    password = "wiki-rec-blind";
    url = "postgres://${user}:${password}@localhost/wiki";
  };
in {
  systemd.services.wiki.environment.DATABASE_URL = db.url;
  systemd.services.wiki.serviceConfig.ExecStart = "${pkgs.wiki}/bin/wiki";
}
