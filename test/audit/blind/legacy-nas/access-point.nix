{ config, ... }:
let creds = import ./load-creds.nix;
in {
  services.hostapd = {
    enable = true;
    radios.wlan0.networks.wlan0 = {
      ssid = "attic";
      authentication.mode = "wpa2-sha256";
      authentication.wpaPassword = creds.wlanPass;
    };
  };
}
