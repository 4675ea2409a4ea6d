# tailscale auth keys: a string path (good) and a key written into the store (bad)
{ config, lib, pkgs, ... }:
{
  services.tailscale = {
    enable = true;
    authKeyFile = config.age.secrets.tailscale-authkey.path;
    authKeyParameters = { ephemeral = false; preauthorized = true; };
  };

  systemd.services.tailscale-exit-node = {
    after = [ "tailscaled.service" ];
    wantedBy = [ "multi-user.target" ];
    serviceConfig.Type = "oneshot";
    script = ''
      ${pkgs.tailscale}/bin/tailscale up --advertise-exit-node \
        --auth-key=file:${config.age.secrets.tailscale-authkey.path}
    '';
  };

  # a colleague's test box: the key baked into the store
  services.headscale-client.authKeyFile = pkgs.writeText "ts-authkey" "{{fake:tailscale}}"; # expect: tailscale-auth-key
}
