{ config, ... }:
{
  services.tailscale.authKeyFile = "${../secrets/tailscale-authkey}";
  services.cloudflared.tunnels.home.credentialsFile = ../secrets/tunnel-credentials.json;
  services.app.environmentFile = ../secrets/app.env;
  services.app.settingsFile = ../app-settings.json;
  services.nginx.virtualHosts."x.example".sslCertificate = ../certs/x.example.crt;
}
