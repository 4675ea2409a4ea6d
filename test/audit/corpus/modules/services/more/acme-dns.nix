# ACME with DNS-01: credentials as runtime files (good), as store files (bad)
{ config, lib, pkgs, ... }:
{
  security.acme = {
    acceptTerms = true;
    defaults = {
      email = "acme@example.org";
      dnsProvider = "cloudflare";
      credentialFiles."CF_DNS_API_TOKEN_FILE" = config.age.secrets.cf-dns.path;
    };
    certs."example.org" = {
      extraDomainNames = [ "*.example.org" ];
    };
    certs."old.example.net" = {
      dnsProvider = "rfc2136";
      credentialFiles."RFC2136_TSIG_SECRET_FILE" = ./acme/tsig-secret; # expect: secret-file-path-literal
    };
    certs."lab.example.net" = {
      dnsProvider = "hetzner";
      environmentFile = pkgs.writeText "hetzner-dns" ''
        HETZNER_API_KEY=Hetzner-Dns-Api-Key-23 # expect: store-writer-secret
      '';
    };
  };
}
