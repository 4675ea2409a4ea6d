{ config, ... }:
{
  imports = [ ./options/vpn-nm.nix ];
  networking.vpn-profiles = { username = "p1234567"; passwordFile = "/etc/vpn.password"; };
  users.users.media = {
    isNormalUser = true;
    initialPassword = "media";
  };
  users.users.bob = { isNormalUser = true; initialPassword = "bob-blind"; };
  security.sudo.wheelNeedsPassword = false;
}
