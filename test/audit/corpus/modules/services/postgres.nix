# postgres: passwords set from files at start (good) and one from a literal (bad)
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkIf mkAfter;
  apps = {
    grafana = { passwordFile = config.age.secrets.pg-grafana.path; };
    gitea = { passwordFile = config.age.secrets.pg-gitea.path; };
  };
  reporting = { user = "reporting"; password = "Pg-Reporting-Pw-19"; }; # expect: store-writer-secret
in
{
  services.postgresql = {
    enable = true;
    package = pkgs.postgresql_16;
    ensureDatabases = [ "grafana" "gitea" "reporting" ];
    ensureUsers = map (name: { inherit name; ensureDBOwnership = true; }) [ "grafana" "gitea" ];
    authentication = lib.mkOverride 10 ''
      local all all peer
      host  all all 127.0.0.1/32 scram-sha-256
    '';
  };

  systemd.services.postgresql.postStart = mkAfter (lib.concatStrings (lib.mapAttrsToList (user: app: ''
    $PSQL -tAc "ALTER USER ${user} WITH PASSWORD '$(cat ${app.passwordFile})'"
  '') apps));

  systemd.services.reporting-user = {
    after = [ "postgresql.service" ];
    wantedBy = [ "multi-user.target" ];
    serviceConfig = {
      Type = "oneshot";
      User = "postgres";
      ExecStart = pkgs.writeShellScript "reporting-user" ''
        ${config.services.postgresql.package}/bin/psql -c "CREATE USER ${reporting.user} PASSWORD '${reporting.password}'"
      '';
    };
  };

  services.postgresqlBackup = {
    enable = true;
    databases = [ "grafana" "gitea" ];
    location = "/var/backup/postgresql";
  };
}
