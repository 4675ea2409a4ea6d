# authelia: secrets.* are files (good); a few settings written inline (bad)
{ config, lib, pkgs, ... }:
{
  services.authelia.instances.main = {
    enable = true;
    secrets = {
      jwtSecretFile = config.age.secrets.authelia-jwt.path;
      storageEncryptionKeyFile = config.age.secrets.authelia-storage.path;
      sessionSecretFile = config.age.secrets.authelia-session.path;
    };
    settings = {
      theme = "auto";
      default_2fa_method = "totp";
      server.address = "tcp://127.0.0.1:9091";
      authentication_backend.ldap = {
        address = "ldap://127.0.0.1:3890";
        base_dn = "dc=example,dc=org";
        user = "uid=authelia,ou=people,dc=example,dc=org";
        password = "Authelia-Ldap-Bind-24"; # expect: secret-option-literal
      };
      session.cookies = [ { domain = "example.org"; authelia_url = "https://auth.example.org"; } ];
      storage.postgres = {
        address = "unix:///run/postgresql";
        database = "authelia";
        username = "authelia";
        password = "authelia"; # expect: secret-option-literal
      }; 
      notifier.smtp = {
        address = "submissions://mail.example.org:465";
        username = "auth@example.org";
        sender = "Authelia <auth@example.org>";
      };
      identity_providers.oidc.clients = [{
        client_id = "grafana";
        client_name = "Grafana";
        client_secret = "$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng";
        redirect_uris = [ "https://grafana.example.org/login/generic_oauth" ];
      }];
    };
  };

  services.lldap = {
    enable = true;
    settings = {
      ldap_base_dn = "dc=example,dc=org";
      ldap_user_email = "admin@example.org";
      ldap_user_pass = "Lldap-Admin-Pass-25"; # expect: secret-option-literal
      jwt_secret = "Lldap-Jwt-Secret-Value-26"; # expect: secret-option-literal
    };
    environment = {
      LLDAP_KEY_SEED = "Lldap-Key-Seed-Value-27"; # expect: environment-secret
      LLDAP_LDAP_USER_PASS_FILE = "/run/agenix/lldap-admin";
    };
  };
}
