{ config, ... }:
{
  networking.wireguard.interfaces.wg0 = {
    ips = [ "10.100.0.1/24" ];
    listenPort = 51820;
    privateKeyFile = "/var/lib/wireguard/private";
    peers = [
      { publicKey = "{{fake:wireguard}}"; allowedIPs = [ "10.100.0.2/32" ]; }
      { publicKey = "{{fake:wireguard}}"; allowedIPs = [ "10.100.0.3/32" ]; }
    ];
  };
}
