# declarative NixOS containers on hannibal
{ config, pkgs, lib, ... }:
{
  containers.web = {
    autoStart = true;
    privateNetwork = true;
    hostAddress = "192.168.100.10";
    localAddress = "192.168.100.11";
    bindMounts."/run/secrets/web" = { hostPath = "/run/agenix/web"; isReadOnly = true; };
    config = { config, pkgs, ... }: {
      services.nginx.enable = true;
      services.phpfpm.pools.web.phpEnv.DB_PASSWORD_FILE = "/run/secrets/web/db";
      system.stateVersion = "24.11";
    };
  };

  containers.db = {
    autoStart = true;
    config = { pkgs, ... }: {
      services.mysql = {
        enable = true;
        package = pkgs.mariadb;
        initialScript = pkgs.writeText "mysql-init.sql" ''
          CREATE USER 'web'@'192.168.100.11' IDENTIFIED BY 'Container-Mysql-Web-38'; # expect: store-writer-secret
          GRANT ALL ON web.* TO 'web'@'192.168.100.11';
        '';
      };
      users.users.root.initialPassword = "container-root"; # expect: plaintext-password
      system.stateVersion = "24.11";
    };
  };
}
