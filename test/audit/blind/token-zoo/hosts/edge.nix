{ config, pkgs, ... }:
{
  services.tailscale = {
    enable = true;
    authKeyFile = pkgs.writeText "ts-authkey" "{{fake:tailscale}}";
  };
  services.k3s.token = "{{fake:k3s}}";
  environment.etc."ssl/private/edge.key".text = ''
    {{fake:pem:EC}}
  '';
  environment.etc."ssl/certs/edge.crt".source = ./edge.crt;
  services.bot.settings.slack_token = "{{fake:slack}}";
  services.age-unlock.identity = "{{fake:age}}";
  services.api-gateway.settings.jwt = "{{fake:jwt}}";
}
