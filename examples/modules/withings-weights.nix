# A small NixOS module for the example fleet's withings-weights service, in
# the nixpkgs *File style: secrets arrive as paths, read at run time through
# systemd credentials, never as strings in the store.
{ config, lib, pkgs, ... }:
let
  cfg = config.services.withings-weights;
in
{
  options.services.withings-weights = {
    enable = lib.mkEnableOption "withings-weights, which syncs Withings scale readings";
    oauthClientIdFile = lib.mkOption {
      type = lib.types.path;
      description = "File holding the Withings OAuth client id.";
      example = "/run/agenix/withings/oauthClientId";
    };
    oauthClientSecretFile = lib.mkOption {
      type = lib.types.path;
      description = "File holding the Withings OAuth client secret.";
      example = "/run/agenix/withings/oauthClientSecret";
    };
  };

  config = lib.mkIf cfg.enable {
    users.users.withings-weights = { isSystemUser = true; group = "withings-weights"; };
    users.groups.withings-weights = { };
    systemd.services.withings-weights = {
      wantedBy = [ "multi-user.target" ];
      serviceConfig = {
        User = "withings-weights";
        LoadCredential = [ "client-id:${cfg.oauthClientIdFile}" "client-secret:${cfg.oauthClientSecretFile}" ];
        # The program reads $CREDENTIALS_DIRECTORY/client-{id,secret} at start.
        ExecStart = "${pkgs.coreutils}/bin/sleep infinity";
      };
    };
  };
}
