{ config, pkgs, ... }:
{
  services.postgresql = {
    enable = true;
    ensureDatabases = [ "app" ];
    initialScript = pkgs.writeText "pg-init.sql" ''
      CREATE ROLE app WITH LOGIN PASSWORD 'app-db-blind-pw';
      GRANT ALL PRIVILEGES ON DATABASE app TO app;
    '';
  };
  services.mysql = {
    enable = true;
    package = pkgs.mariadb;
    initialScript = pkgs.writeText "my-init.sql" "CREATE USER 'wiki'@'localhost' IDENTIFIED BY 'wiki-db-blind';";
  };
  services.redis.servers.cache = {
    enable = true;
    requirePass = "redis-blind-pass";
  };
  services.redis.servers.queue.requirePassFile = "/run/keys/redis-queue";
}
