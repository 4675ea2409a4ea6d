{ lib, ... }:
{
  # cold start: put the token on the host by hand first
  services.k3s.tokenFile = lib.mkDefault "/etc/nixos/secrets/k3s-token";
}
