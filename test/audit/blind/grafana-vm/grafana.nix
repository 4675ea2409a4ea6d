{ config, lib, pkgs, ... }:
{
  imports = [ ./postgres.nix ];
  services.grafana = {
    enable = true;
    settings = {
      server = { http_addr = "0.0.0.0"; domain = "localhost"; };
      analytics.reporting_enabled = false;
      security = {
        admin_user = "admin";
        admin_password = "admin";
      };
    };
  };
}
