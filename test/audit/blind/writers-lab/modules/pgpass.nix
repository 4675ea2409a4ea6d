{ pkgs, ... }:
let pgpass = builtins.toFile "pgpass" "db.lan:5432:*:reporter:report-blind-pw\n";
in {
  systemd.services.report.environment.PGPASSFILE = pgpass;
  systemd.services.report.script = "${pkgs.postgresql}/bin/psql -h db.lan -U reporter -c 'select 1'";
}
