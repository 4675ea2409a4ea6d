# nixops network (legacy deployment, still around)
{
  network.description = "legacy network";
  network.enableRollback = true;

  legacy = { config, pkgs, ... }: {
    deployment.targetHost = "10.0.0.50";
    deployment.keys.mysql-root = {
      text = "NixOps-Mysql-Root-5"; # expect: deployment-keys-text
      user = "mysql";
      group = "mysql";
      permissions = "0400";
    };
    deployment.keys.empty-on-purpose.text = "";
    services.mysql = {
      enable = true;
      package = pkgs.mariadb;
      initialScript = pkgs.writeText "mysql-init" ''
        ALTER USER 'root'@'localhost' IDENTIFIED BY 'Mysql-Init-Root-6'; # expect: store-writer-secret
        CREATE USER 'app'@'%' IDENTIFIED VIA unix_socket;
      '';
    };
  };
}
