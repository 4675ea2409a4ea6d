# openvpn client: authUserPass inline (bad) vs a runtime file (good)
{ config, lib, pkgs, ... }:
{
  services.openvpn.servers = {
    work = {
      config = ''
        config /etc/openvpn/work.ovpn
        auth-user-pass /run/agenix/openvpn-work
      '';
      autoStart = false;
    };
    provider = {
      config = "config /etc/openvpn/provider.ovpn";
      authUserPass = {
        username = "alice-vpn";
        password = "Provider-Vpn-Pw-30"; # expect: secret-option-literal
      };
    };
  };
  environment.etc."openvpn/provider.ovpn".source = ./vpn/provider.ovpn;
  environment.etc."openvpn/tls-auth.key".source = ./vpn/tls-auth.key; # expect: secret-path-copied
}
