{ config, pkgs, ... }:
{
  services.github-runners.lab = {
    enable = true;
    url = "https://github.com/example-org";
    tokenFile = "/run/keys/runner-token";
    extraLabels = [ "nixos" ];
  };
  # our own module: encrypts `source` to the host key at build time
  site.keys.runner-token = {
    source = ./keys/runner-token + "-${config.networking.hostName}";
    dest = "/run/keys/runner-token";
    owner = "github-runner";
    mode = "0400";
  };
}
