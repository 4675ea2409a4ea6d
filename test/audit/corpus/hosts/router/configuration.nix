# router: networkd, wireguard hub, unbound, a dyndns updater
{ config, pkgs, lib, ... }:

{
  imports = [ ./wireguard.nix ];
  networking.hostName = "router";
  networking.useNetworkd = true;

  systemd.network.networks."10-wan" = {
    matchConfig.Name = "enp1s0";
    networkConfig = { DHCP = "ipv4"; IPv6AcceptRA = true; };
    ipv6AcceptRAConfig.Token = "::1";
    dhcpV4Config.ClientIdentifier = "mac";
  };
  systemd.network.networks."20-lan" = {
    matchConfig.Name = "enp2s0";
    address = [ "10.0.0.1/24" ];
    ipv6Prefixes = [ { Prefix = "fd00:10::/64"; } ];
    networkConfig.IPv6SendRA = true;
    ipv6SendRAConfig.Managed = false;
  };

  # ddclient reads its password from a file (good) ...
  services.ddclient = {
    enable = true;
    protocol = "cloudflare";
    zone = "example.org";
    domains = [ "home.example.org" ];
    passwordFile = config.age.secrets.cloudflare-token.path;
  };

  # ... but this hand-rolled updater has the API token in its unit
  systemd.services.dyndns-v6 = {
    startAt = "*:0/5";
    serviceConfig = {
      Type = "oneshot";
      Environment = [
        "CF_ZONE=example.org"
        "CF_API_TOKEN=Yq7wX2-cf-api-token-9pL" # expect: environment-secret
      ];
      ExecStart = "${pkgs.curl}/bin/curl -fsS -H 'Authorization: Bearer ${"$"}{CF_API_TOKEN}' https://api.cloudflare.com/client/v4/zones";
    };
  };

  services.unbound = {
    enable = true;
    settings.server = { interface = [ "10.0.0.1" "127.0.0.1" ]; access-control = [ "10.0.0.0/8 allow" ]; };
    settings.remote-control.control-enable = true;
  };

  system.stateVersion = "24.11";
}
