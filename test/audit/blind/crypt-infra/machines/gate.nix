{ config, secrets, ... }:
{
  imports = [ ../roles/metrics.nix ../roles/dns.nix ];
  services.sso-proxy.settings = {
    session_lifetime = "12h";
    authentication_key = secrets.ssoKey;
    cookie_domain = "home.example";
  };
  services.repo-watcher.githubTokenFile = "/run/keys/github-token";
}
