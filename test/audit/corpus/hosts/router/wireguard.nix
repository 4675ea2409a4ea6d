# The wireguard hub: networkd netdev with the key file from agenix (good),
# and a second, older tunnel configured with the key inline (bad).
{ config, ... }:
{
  age.secrets.wg-router = { file = ../../secrets/wg-router.age; owner = "systemd-network"; };

  systemd.network.netdevs."50-wg0" = {
    netdevConfig = { Kind = "wireguard"; Name = "wg0"; MTUBytes = "1420"; };
    wireguardConfig = {
      PrivateKeyFile = config.age.secrets.wg-router.path;
      ListenPort = 51820;
    };
    wireguardPeers = [
      {
        PublicKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
        AllowedIPs = [ "10.100.0.2/32" ];
      }
      {
        PublicKey = "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=";
        PresharedKey = "{{fake:wireguard}}"; # expect: wireguard-private-key
        AllowedIPs = [ "10.100.0.3/32" ];
      }
    ];
  };

  systemd.network.netdevs."51-wg-legacy" = {
    netdevConfig = { Kind = "wireguard"; Name = "wg-legacy"; };
    wireguardConfig.PrivateKey = "{{fake:wireguard}}"; # expect: wireguard-private-key
  };

  networking.wg-quick.interfaces.wg-vpn = {
    address = [ "10.200.0.2/32" ];
    privateKey = "{{fake:wireguard}}"; # expect: wireguard-private-key
    peers = [ { publicKey = "bmXOC+F1FxEMF9dyiK2H5/1SUtzH0JuVo51h2wPfgyo="; endpoint = "vpn.example.net:51820"; allowedIPs = [ "0.0.0.0/0" ]; } ];
  };
}
