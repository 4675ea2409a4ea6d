{ ... }:
{
  # age.secrets.k3s.file = ../../secrets/k3s.age;
  services.k3s = {
    enable = true;
    role = "server";
    token = "cluster-join-blind";
    clusterInit = true;
    extraFlags = toString [ "--disable=traefik" "--kube-apiserver-arg=--allow-privileged=true" ];
  };
}
