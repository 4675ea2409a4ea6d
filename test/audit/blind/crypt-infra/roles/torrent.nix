{ config, lib, pkgs, secrets, ... }:
let
  rpcPort = 9091;
  onDone = pkgs.runCommand "on-done" { } ''
    cat > $out <<EOF
    #!/bin/sh
    exec transmission-remote -n admin:${secrets.torrentRpc} -t "$TR_TORRENT_ID" --verify
    EOF
    chmod +x $out
  '';
in
{
  options.site.torrent.enable = lib.mkEnableOption "torrent box";
  config = lib.mkIf config.site.torrent.enable {
    site.netns-vpn = {
      enable = true;
      privateKey = secrets.vpn.privateKey;
      peerPublicKey = secrets.vpn.publicKey;
      endpoint = secrets.vpn.endpoint;
    };
    services.transmission = {
      enable = true;
      settings = {
        script-torrent-done-enabled = true;
        script-torrent-done-filename = "${onDone}";
        rpc-port = rpcPort;
        rpc-authentication-required = true;
        rpc-username = "admin";
        rpc-password = secrets.torrentRpc;
      };
    };
    systemd.services.port-mapper = {
      wantedBy = [ "multi-user.target" ];
      serviceConfig.DynamicUser = true;
      serviceConfig.ExecStart = "${pkgs.natpmp-notifier}/bin/natpmp-notifier --rpc http://admin:${secrets.torrentRpc}@127.0.0.1:${toString rpcPort}";
    };
  };
}
