{ config, ... }:
{
  age.secrets.grafana = { file = ../agenix/grafana.age; owner = "grafana"; };
  services.grafana = {
    enable = true;
    settings = {
      security = {
        admin_user = "admin";
        admin_password = "$__file{${config.age.secrets.grafana.path}}";
        secret_key = "{{blind:alnum:20}}";
        disable_gravatar = true;
      };
      server.http_port = 3000;
    };
  };
}
