# nginx basic auth: an htpasswd file from agenix (good) and one written with writeText (bad)
{ config, lib, pkgs, ... }:
{
  services.nginx.virtualHosts."status.example.org" = {
    forceSSL = true;
    enableACME = true;
    basicAuthFile = config.age.secrets.status-htpasswd.path;
    locations."/".root = "/srv/status";
  };

  services.nginx.virtualHosts."old-status.example.org" = {
    basicAuthFile = pkgs.writeText "htpasswd" "alice:{{fake:sha512crypt}}"; # expect: hashed-password
    locations."/".root = "/srv/status";
  };

  services.nginx.virtualHosts."intranet.example.org" = {
    basicAuth = { alice = "Intranet-Basic-Pw-20"; }; # expect: secret-option-literal
    locations."/".proxyPass = "http://127.0.0.1:8081";
  };
}
