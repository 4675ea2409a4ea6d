{ config, lib, pkgs, ... }:
{
  systemd.network.networks."10-lan" = {
    matchConfig.Name = "lan0";
    ipv6Prefixes = [ ];
    dhcpPrefixDelegationConfig = {
      SubnetId = "0x1";
      Token = "::ff";
    };
  };
  systemd.services.acme-dns-update.environment = {
    RFC2136_NAMESERVER = "ns1.lan";
    RFC2136_TSIG_KEY = "acme-update";
    RFC2136_TSIG_SECRET_FILE = "/run/keys/tsig-secret";
  };
}
