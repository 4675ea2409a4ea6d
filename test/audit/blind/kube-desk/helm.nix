{ pkgs, kubelib, charts, ... }:
{
  packages.vault-connect = kubelib.buildHelmChart {
    name = "vault-connect";
    chart = charts.vault.connect;
    namespace = "kube-system";
    values = {
      # vault-cli server create cluster && mv credentials.json /tmp/
      connect.credentials = builtins.readFile /tmp/vault-credentials.json;
      operator = {
        create = true;
        token.value = builtins.readFile /tmp/operator-token.txt;
        autoRestart = true;
      };
    };
  };
}
