# NetworkManager profiles: ensureProfiles substitutes $VARS from environmentFiles (good)
{ config, ... }:
{
  networking.networkmanager.ensureProfiles = {
    environmentFiles = [ config.age.secrets.nm-env.path ];
    profiles = {
      home = {
        connection = { id = "home"; type = "wifi"; };
        wifi = { mode = "infrastructure"; ssid = "Home"; };
        wifi-security = { key-mgmt = "wpa-psk"; psk = "$HOME_PSK"; };
      };
      office = {
        connection = { id = "office"; type = "wifi"; };
        wifi.ssid = "ACME-Corp";
        wifi-security = { key-mgmt = "wpa-psk"; psk = "acme-office-wifi-2024"; }; # expect: wifi-psk
      };
      vpn = {
        connection = { id = "vpn"; type = "vpn"; };
        vpn = { service-type = "org.freedesktop.NetworkManager.openvpn"; username = "alice"; };
        vpn-secrets.password = "OpenVPN-Alice-Pw-3"; # expect: secret-option-literal
      };
    };
  };
}
