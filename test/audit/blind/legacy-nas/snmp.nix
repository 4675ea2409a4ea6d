{ pkgs, ... }:
let
  creds = import ./load-creds.nix;
  conf = pkgs.writeText "snmpd.conf" ''
    rocommunity ${creds.snmpCommunity} 192.168.2.0/24
    sysLocation basement
  '';
in {
  systemd.services.snmpd = {
    wantedBy = [ "multi-user.target" ];
    serviceConfig.ExecStart = "${pkgs.net-snmp}/bin/snmpd -f -c ${conf}";
  };
}
