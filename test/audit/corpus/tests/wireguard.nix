# VM test for the wireguard module with test keys (low severity at most).
{ pkgs }:

let
  peer0 = { privateKey = "{{fake:wireguard}}"; publicKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="; }; # expect: wireguard-private-key@low
in
pkgs.nixosTest {
  name = "wireguard";
  nodes = {
    peer0 = { ... }: {
      networking.wireguard.interfaces.wg0 = {
        ips = [ "10.23.42.1/32" ];
        listenPort = 23542;
        privateKey = peer0.privateKey;
      };
    };
    peer1 = { ... }: {
      networking.wireguard.interfaces.wg0 = {
        ips = [ "10.23.42.2/32" ];
        privateKeyFile = "/etc/wg-test-key";
      };
      environment.etc."wg-test-key".text = "{{fake:wireguard}}"; # expect: file-text-secret@low
    };
  };
  testScript = "start_all(); peer1.wait_until_succeeds('ping -c1 10.23.42.1')";
}
