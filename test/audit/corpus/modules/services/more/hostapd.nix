# a Wi-Fi access point
{ config, lib, pkgs, ... }:
{
  services.hostapd = {
    enable = true;
    radios.wlan0 = {
      band = "2g";
      countryCode = "DE";
      networks.wlan0 = {
        ssid = "Home";
        authentication = {
          mode = "wpa3-sae-transition";
          wpaPasswordFile = config.age.secrets.wifi-home.path;
          saePasswordsFile = config.age.secrets.wifi-home-sae.path;
        };
      };
      networks.wlan0-1 = {
        ssid = "Guests";
        authentication = {
          mode = "wpa2-sha256";
          wpaPassword = "Guest-Network-Pw-28"; # expect: secret-option-literal
        };
      };
      networks.wlan0-2 = {
        ssid = "IoT";
        authentication = {
          mode = "wpa3-sae";
          saePasswords = [ { password = "Iot-Sae-Password-29"; vlanid = 20; } ]; # expect: secret-option-literal
        };
      };
    };
  };
}
