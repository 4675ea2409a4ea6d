{ pkgs, ... }:
let
  yaml = pkgs.formats.yaml { };
  settings = {
    global.smtp_smarthost = "smtp.mail.example:587";
    global.smtp_auth_username = "alerts@example.org";
    global.smtp_auth_password = "alertsmtp-blind";
    route.receiver = "ops";
    receivers = [{ name = "ops"; slack_configs = [{ api_url = "{{fake:slackWebhook}}"; channel = "#ops"; }]; }];
  };
in {
  services.prometheus.alertmanager.configuration = null;
  services.prometheus.alertmanager.configText = builtins.readFile (yaml.generate "alertmanager.yml" settings);
}
