# Wi-Fi networks of the laptop. Home uses the secretsFile mechanism (good);
# the older entries were written before that existed.
{ config, ... }:
{
  networking.wireless = {
    enable = true;
    secretsFile = config.sops.secrets."wireless.env".path;
    networks = {
      "Home" = { pskRaw = "ext:psk_home"; priority = 10; };
      "Office".pskRaw = "ext:psk_office";
      "Parents" = { psk = "@PSK_PARENTS@"; };
      "Cafe Aurora".psk = "aurora-guest-2023"; # expect: wifi-psk
      "Library" = {
        pskRaw = "5b2f1c0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c"; # expect: wifi-psk
      };
      "eduroam" = {
        auth = ''
          key_mgmt=WPA-EAP
          eap=PEAP
          identity="alice@uni.example"
          password="Uni-Login-Pass-9" # expect: wifi-psk
          phase2="auth=MSCHAPV2"
        '';
      };
      "Open Guest" = { authProtocols = [ "NONE" ]; };
    };
  };
}
