{ inputs, ... }:
{
  services.k3s = {
    enable = true;
    role = "agent";
    serverAddr = "https://10.7.0.10:6443";
    # token = "cluster-join-blind";
    tokenFile = "${inputs.self}/secrets/k3s_token.key";
  };
}
