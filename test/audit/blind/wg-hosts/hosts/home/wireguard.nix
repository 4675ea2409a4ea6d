{ config, ... }:
{
  networking.wg-quick.interfaces.wg0 = {
    address = [ "10.100.0.2/24" ];
    privateKey = "{{fake:wireguard}}";
    peers = [{
      publicKey = "{{fake:wireguard}}";
      presharedKey = "{{fake:wireguard}}";
      endpoint = "edge.example.net:51820";
      allowedIPs = [ "10.100.0.0/24" ];
    }];
  };
}
