{ config, ... }:
let certDir = "/var/lib/acme/dash.lan";
in {
  sops.secrets.dash_admin = { owner = "grafana"; };
  services.grafana.settings = {
    security.admin_password = "$__file{${config.sops.secrets.dash_admin.path}}";
    security.secret_key = "$__file{${config.sops.secrets.dash_key.path}}";
    smtp.password = "$__file{${config.sops.secrets.mail_password.path}}";
    server.cert_key = "${certDir}/key.pem";
  };
  services.vault.tlsKeyFile = "${certDir}/key.pem";
}
