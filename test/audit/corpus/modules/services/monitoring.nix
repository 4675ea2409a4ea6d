# grafana datasources, prometheus exporters, alertmanager
{ config, lib, pkgs, ... }:

{
  services.grafana.provision.datasources.settings.datasources = [
    {
      name = "Prometheus";
      type = "prometheus";
      url = "http://127.0.0.1:9090";
    }
    {
      name = "Postgres";
      type = "postgres";
      url = "127.0.0.1:5432";
      user = "grafana_ro";
      secureJsonData.password = "$__file{/run/agenix/grafana-ro}";
    }
    {
      name = "Influx";
      type = "influxdb";
      url = "http://127.0.0.1:8086";
      secureJsonData.token = "Influx-RO-Token-aB3dE5fG7hJ9"; # expect: secret-option-literal
    }
  ];

  services.prometheus = {
    enable = true;
    exporters.postgres = {
      enable = true;
      dataSourceName = "postgresql://exporter:Exporter-Pg-Pw-6@127.0.0.1:5432/postgres?sslmode=disable"; # expect: url-credentials
    };
    exporters.node.enable = true;
    scrapeConfigs = [
      {
        job_name = "home-assistant";
        metrics_path = "/api/prometheus";
        bearer_token_file = "/run/agenix/hass-token";
        static_configs = [ { targets = [ "hass.lan:8123" ]; } ];
      }
      {
        job_name = "speedtest";
        basic_auth = { username = "prom"; password = "Speedtest-Basic-3"; }; # expect: secret-option-literal
        static_configs = [ { targets = [ "speedtest.lan:9798" ]; } ];
      }
    ];
  };

  services.prometheus.alertmanager = {
    enable = true;
    environmentFile = config.age.secrets.alertmanager-env.path;
    configuration = {
      route.receiver = "ops";
      receivers = [
        {
          name = "ops";
          webhook_configs = [ { url = "http://127.0.0.1:8080/$TELEGRAM_CHAT"; } ];
          slack_configs = [ { api_url = "{{fake:slackWebhook}}"; channel = "#ops"; } ]; # expect: slack-token
          email_configs = [ { to = "ops@example.org"; auth_password = "$SMTP_PASSWORD"; } ];
        }
      ];
    };
  };

  services.influxdb2 = {
    enable = true;
    provision = {
      enable = true;
      initialSetup = {
        organization = "home";
        bucket = "health";
        passwordFile = config.age.secrets.influx-admin.path;
        tokenFile = config.age.secrets.influx-token.path;
      };
    };
  };
}
