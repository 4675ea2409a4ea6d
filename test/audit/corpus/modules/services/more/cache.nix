# a binary cache: nix-serve signing key and the nix daemon's secret-key-files
{ config, lib, pkgs, ... }:
{
  services.nix-serve = {
    enable = true;
    port = 5000;
    secretKeyFile = ./cache/cache-priv-key.pem; # expect: secret-file-path-literal
  };

  nix.settings.secret-key-files = [ "/var/lib/nix-serve/cache-priv-key.pem" ];
  nix.settings.trusted-public-keys = [ "cache.lan-1:kVgb4fTX3U4dXkO6Wq1k9ZtE8w3pQy2vBn7mC5xR0aE=" ];

  services.harmonia = {
    enable = true;
    signKeyPaths = [ ./cache/harmonia.secret ]; # expect: secret-file-path-literal
    settings.bind = "[::]:5001";
  };

  services.attic = {
    enable = false;
    credentialsFile = "/run/agenix/atticd.env";
    settings.chunking = { nar-size-threshold = 65536; min-size = 16384; avg-size = 65536; max-size = 262144; };
  };
}
