# paperless and immich, both wired the right way: nothing to report here
{ config, lib, pkgs, ... }:
{
  services.paperless = {
    enable = true;
    passwordFile = config.age.secrets.paperless-admin.path;
    settings = {
      PAPERLESS_URL = "https://paperless.example.org";
      PAPERLESS_OCR_LANGUAGE = "deu+eng";
      PAPERLESS_DBHOST = "/run/postgresql";
      PAPERLESS_SECRET_KEY_FILE = "/run/agenix/paperless-secret";
      PAPERLESS_ADMIN_PASSWORD = "@PAPERLESS_ADMIN_PASSWORD@";
    };
  };

  services.immich = {
    enable = true;
    secretsFile = config.age.secrets.immich.path;
    database.createDB = true;
    settings.oauth = {
      enabled = true;
      issuerUrl = "https://auth.example.org";
      clientId = "immich";
      clientSecret = "\${IMMICH_OAUTH_SECRET}";
    };
  };

  services.keycloak = {
    enable = true;
    database.passwordFile = "/run/agenix/keycloak-db";
    initialAdminPassword = "changeme-keycloak-21"; # expect: secret-option-literal
    settings.hostname = "auth.example.org";
  };

  systemd.services.paperless-consume.serviceConfig = {
    LoadCredential = [ "secret:${config.age.secrets.paperless-secret.path}" ];
    Environment = [ "PAPERLESS_SECRET_KEY_FILE=%d/secret" "TZ=Europe/Berlin" ];
  };
}
