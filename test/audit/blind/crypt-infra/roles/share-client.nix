{ config, lib, secrets, ... }:
let cfg = config.site.share-client;
in {
  options.site.share-client.server = lib.mkOption { type = lib.types.str; example = "nas.lan"; };
  config = {
    systemd.mounts = [{
      what = "//${cfg.server}/data";
      where = "/mnt/data";
      type = "cifs";
      options = "username=share,password=${secrets.shareAuth},uid=1000,rw";
    }];
    systemd.automounts = [{ where = "/mnt/data"; wantedBy = [ "multi-user.target" ]; }];
  };
}
