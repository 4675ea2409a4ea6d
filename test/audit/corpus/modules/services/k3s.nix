# k3s: the token in its secure format, inline, and the right way with tokenFile
{ config, lib, pkgs, ... }:
{
  services.k3s = {
    enable = true;
    role = "agent";
    serverAddr = "https://k3s-server.lan:6443";
    token = "{{fake:k3s}}"; # expect: k3s-token
    extraFlags = toString [
      "--node-label=zone=rack1"
      "--kubelet-arg=max-pods=200"
      "--kube-apiserver-arg='--allow-privileged=true'"
    ];
  };

  services.k3s.tokenFile = lib.mkIf false "/run/agenix/k3s-token";
}
