# dynamic DNS helpers written as small scripts
{ config, lib, pkgs, ... }:

let
  zoneId = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
  updateScript = token: pkgs.writeShellScript "ddns-update" ''
    curl -fsS -X PUT "https://api.cloudflare.com/client/v4/zones/${zoneId}/dns_records" \
      -H "Authorization: Bearer ${token}" --data @/run/ddns/record.json
  '';
in
{
  systemd.services.ddns = {
    startAt = "*:0/10";
    serviceConfig.LoadCredential = "cf:/run/agenix/cf-ddns";
    script = ''
      TOKEN=$(cat "$CREDENTIALS_DIRECTORY/cf")
      curl -fsS -H "Authorization: Bearer $TOKEN" https://api.cloudflare.com/client/v4/user/tokens/verify
    '';
  };

  systemd.services.ddns-v6 = {
    startAt = "*:0/10";
    script = ''
      curl -fsS -u "ddns:Ddns-Basic-Auth-31" "https://dyn.example.net/update?hostname=home" # expect: cmdline-secret
    '';
  };

  systemd.services.duckdns = {
    startAt = "*:0/5";
    serviceConfig.ExecStart = "${pkgs.curl}/bin/curl -fsS https://www.duckdns.org/update?domains=alicehome&token=Duck-Dns-Token-32&ip="; # expect: systemd-script-secret
  };
}
