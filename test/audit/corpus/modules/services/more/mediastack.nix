# the *arr stack and recyclarr
{ config, lib, pkgs, ... }:
{
  services.sonarr.enable = true;
  services.radarr.enable = true;
  services.prowlarr = {
    enable = true;
    settings.auth = { method = "Forms"; required = "Enabled"; apikey = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"; }; # expect: secret-option-literal
  };

  services.recyclarr = {
    enable = true;
    configuration = {
      sonarr.main = {
        base_url = "http://127.0.0.1:8989";
        api_key = "!env_var SONARR_API_KEY";
      };
      radarr.main = {
        base_url = "http://127.0.0.1:7878";
        api_key = "a1b2c3d4e5f60718293a4b5c6d7e8f90"; # expect: secret-option-literal
      };
    };
  };

  services.sabnzbd = {
    enable = true;
    configFile = "/var/lib/sabnzbd/sabnzbd.ini";
  };

  systemd.services.unpackerr = {
    wantedBy = [ "multi-user.target" ];
    environment = {
      UN_SONARR_0_URL = "http://127.0.0.1:8989";
      UN_SONARR_0_API_KEY = "Unpackerr-Sonarr-Key-39"; # expect: environment-secret
      UN_LOG_FILE = "/var/log/unpackerr.log";
    };
    serviceConfig.ExecStart = "${pkgs.unpackerr}/bin/unpackerr";
  };
}
