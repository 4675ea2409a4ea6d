{ config, ... }:
{
  services.outline.oidcAuthentication = {
    clientId = "outline";
    clientSecretFile = config.age.secrets.outline-oidc.path;
    authUrl = "https://sso.example.org/api/oidc/authorization";
    tokenUrl = "https://sso.example.org/api/oidc/token";
    userinfoUrl = "https://sso.example.org/api/oidc/userinfo";
    usernameClaim = "preferred_username";
  };
  services.hedgedoc.settings.oauth2 = {
    clientID = "hedgedoc";
    accessTokenURL = "https://sso.example.org/api/oidc/token";
    tokenLifetime = "3600";
  };
  services.immich.settings.oauth.autoRegister = true;
}
