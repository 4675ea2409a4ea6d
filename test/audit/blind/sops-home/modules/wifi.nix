{ config, lib, ... }:
let nets = [ "home" "office" ];
in {
  networking.wireless = {
    enable = true;
    secretsFile = config.sops.secrets.wifi.path;
    networks = lib.genAttrs nets (name: { psk = "ext:psk_${name}"; })
      // { cafe.psk = "$WIFI_CAFE"; };
  };
}
