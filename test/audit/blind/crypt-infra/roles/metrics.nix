{ config, lib, secrets, ... }:
{
  services.prometheus.scrapeConfigs = [{
    job_name = "node";
    basic_auth = {
      username = "prometheus";
      password = secrets.scrapeAuth;
    };
    static_configs = [{ targets = [ "host-a:9100" "host-b:9100" ]; }];
  }];
  services.grafana = {
    enable = true;
    settings.security.secret_key = secrets.dashboardKey;
    settings.auth.oauth_auto_login = true;
  };
  users.users.root.hashedPassword = lib.mkForce secrets.rootHash;
}
