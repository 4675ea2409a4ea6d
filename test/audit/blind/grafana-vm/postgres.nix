{ ... }:
{
  services.postgresql = {
    enable = true;
    ensureDatabases = [ "grafana" ];
    ensureUsers = [{ name = "grafana"; ensureDBOwnership = true; }];
    authentication = "local all all peer";
  };
}
