{ ... }:
{
  services.authelia.instances.main = {
    enable = true;
    secrets = {
      jwtSecretFile = "/var/secrets/authelia/jwt";
      sessionSecretFile = "/var/secrets/authelia/session";
      storageEncryptionKeyFile = "/var/secrets/authelia/storage";
      oidcHmacSecretFile = "/var/secrets/authelia/hmac";
      oidcIssuerPrivateKeyFile = "/var/secrets/authelia/issuer.pem";
    };
    environmentVariables.AUTHELIA_STORAGE_POSTGRES_PASSWORD_FILE = "/var/secrets/authelia/db";
    settings = {
      authentication_backend.file.path = "/var/secrets/authelia/users.yaml";
      identity_providers.oidc = {
        lifespans = {
          access_token = "1 hour";
          refresh_token = "90 minutes";
          id_token = "1h";
          authorize_code = "1m";
        };
        clients = [
          {
            client_id = "media";
            client_secret = "$pbkdf2-sha512$310000$QmxpbmRCbGluZEJsaW5k$AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopQRSTUVWXYZ0123456789AbCdEfGhIjKl";
            redirect_uris = [ "https://media.example/sso/callback" ];
            token_endpoint_auth_method = "client_secret_post";
          }
          {
            client_id = "home";
            public = true;
            require_pkce = true;
            redirect_uris = [ "https://home.example/auth/oidc/callback" ];
          }
        ];
      };
    };
  };
}
