# chrysalis: runs withinbot, configured by an environment file (formerly a
# nixops deployment.keys entry). nixsec sets EnvironmentFile and restarts the
# bot when the file changes.
{ pkgs, ... }:
{
  imports = [ ./common.nix ];
  networking.hostName = "chrysalis";
  users.users.withinbot = { isSystemUser = true; group = "withinbot"; };
  users.groups.withinbot = { };
  systemd.services.withinbot = {
    wantedBy = [ "multi-user.target" ];
    serviceConfig = {
      User = "withinbot";
      ExecStart = "${pkgs.coreutils}/bin/sleep infinity";
    };
  };
}
