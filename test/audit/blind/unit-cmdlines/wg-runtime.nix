{ pkgs, ... }:
{
  systemd.services.wg-extra = {
    after = [ "network.target" ];
    path = [ pkgs.wireguard-tools pkgs.iproute2 ];
    script = ''
      ip link add wg9 type wireguard || true
      wg set wg9 private-key <(echo '{{fake:wireguard}}') listen-port 51999
      wg set wg9 peer {{fake:wireguard}} allowed-ips 10.9.0.2/32
    '';
  };
}
