{ config, pkgs, ... }:
let
  dbPass = "appdb-blind-41";
  appYaml = pkgs.writeText "app.yaml" ''
    database: { host: localhost, user: app, password: "${dbPass}" }
  '';
in {
  systemd.services.app.serviceConfig.ExecStart = "${pkgs.app}/bin/app --config ${appYaml}";
}
