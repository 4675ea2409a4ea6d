# gitea/forgejo settings: RFC 42 structured settings render to app.ini in the store
{ config, lib, pkgs, ... }:
{
  services.gitea = {
    enable = true;
    database.type = "postgres";
    database.passwordFile = config.age.secrets.gitea-db.path;
    mailerPasswordFile = config.age.secrets.gitea-mail.path;
    settings = {
      server = { DOMAIN = "git.example.org"; ROOT_URL = "https://git.example.org/"; HTTP_PORT = 3001; };
      service.DISABLE_REGISTRATION = true;
      security = {
        INSTALL_LOCK = true;
        SECRET_KEY = "gitea-secret-key-do-not-share-1"; # expect: secret-option-literal
        INTERNAL_TOKEN = "{{fake:jwt}}"; # expect: jwt
        PASSWORD_COMPLEXITY = "lower,upper,digit";
        MIN_PASSWORD_LENGTH = 12;
      };
      oauth2.JWT_SECRET = "Gitea-Jwt-Secret-Base64-Value0"; # expect: secret-option-literal
      mailer = { ENABLED = true; SMTP_ADDR = "mail.example.org"; USER = "gitea@example.org"; };
    };
  };

  services.forgejo = {
    enable = true;
    secrets = {
      security.SECRET_KEY = lib.mkForce "/run/agenix/forgejo-secret-key";
      mailer.PASSWD = config.age.secrets.forgejo-mail.path;
    };
    settings.server.DOMAIN = "forge.example.org";
  };
}
