{ config, pkgs, lib, ... }:
{
  # generate with: wpa_passphrase SSID passphrase
  networking.wireless = {
    enable = true;
    userControlled.enable = true;
    networks.castle.pskRaw = "{{blind:hex:64}}";
    networks."guest net".psk = "welcome-blind-guest";
    networks.open-cafe = { };
  };
}
