# a half-edited file: a missing semicolon makes it unparsable, so it is
# scanned token by token (and reported as such)
{ config, pkgs, ... }:
{
  services.photoprism = {
    enable = true;
    originalsPath = "/srv/photos";
    passwordFile = "/run/agenix/photoprism"
    settings.PHOTOPRISM_ADMIN_USER = "alice"; # expect: parse-error
  };

  users.users.kiosk.initialPassword = "kiosk-pass"; # expect: plaintext-password
  environment.etc."photoprism/token".text = "{{fake:github}}"; # expect: github-token
  services.nginx.virtualHosts.photos.locations."/".extraConfig = "proxy_set_header X-Forwarded-Proto https;";
}
