{ pkgs, ... }:
{
  environment.systemPackages = [
    (pkgs.writers.writeBashBin "db-dump" ''
      ${pkgs.mariadb}/bin/mysqldump -u backup -p'dump-blind-pw' --all-databases > /srv/dump.sql
    '')
  ];
}
