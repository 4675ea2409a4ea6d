{ config, pkgs, ... }:
{
  services.nginx.virtualHosts."stats.example.org" = {
    basicAuth = { admin = "statspass-blind"; };
    locations."/".proxyPass = "http://127.0.0.1:8080";
  };
  services.nginx.virtualHosts."upstream-proxy.example.org".locations."/".extraConfig = ''
    proxy_set_header Authorization "Basic YWRtaW46dXBzdHJlYW0tYmxpbmQtcHc=";
    proxy_pass https://upstream.example.net;
  '';
  services.nginx.virtualHosts."files.example.org".basicAuthFile = "/var/lib/nginx/files.htpasswd";
  services.nextcloud = {
    enable = true;
    hostName = "cloud.example.org";
    config.adminpassFile = "${pkgs.writeText "nc-admin" "ncadmin-blind-pw"}";
    config.dbtype = "pgsql";
  };
  services.gitea.settings.mailer = {
    ENABLED = true;
    SMTP_ADDR = "smtp.mail.example";
    USER = "gitea@example.org";
    PASSWD = "giteamail-blind";
  };
  services.vaultwarden.config = {
    DOMAIN = "https://vault.example.org";
    SIGNUPS_ALLOWED = false;
    ADMIN_TOKEN = "{{blind:alnum:48}}";
  };
}
