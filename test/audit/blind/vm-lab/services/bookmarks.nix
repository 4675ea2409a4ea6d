{ config, pkgs, inputs, ... }:
{
  services.bookmarker = {
    enable = true;
    port = 5173;
    environmentFile = "/srv/bookmarker/secrets.env";
    database = {
      enable = true;
      extraFlags = [
        "--user"
        "root"
        "--pass"
        "root"
      ];
    };
  };
}
