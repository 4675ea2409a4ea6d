{ config, lib, ... }:
with lib;
{
  options.services.tracker = {
    apiTokenFile = mkOption {
      type = types.nullOr types.path;
      default = null;
      example = "/run/secrets/tracker-token";
      description = "File holding the API token.";
    };
    adminPassword = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "correct horse battery staple";
      description = "Prefer adminPasswordFile: this ends up in the store.";
    };
    secretKeyFile = mkOption { type = types.str; example = "/var/lib/tracker/secret"; };
  };
  config = mkIf (config.services.tracker.adminPassword != null) {
    warnings = [ "services.tracker.adminPassword is world-readable in the store" ];
  };
}
