# A helper that builds a unit per app. Secrets passed as function arguments
# are not followed by the audit (no function application): this file holds
# only the helper, and callers pass file paths.
{ lib, pkgs }:

{
  mkApp = { name, package, port, envFile ? null, extraEnv ? { } }: {
    systemd.services.${name} = {
      wantedBy = [ "multi-user.target" ];
      environment = { PORT = toString port; } // extraEnv;
      serviceConfig = {
        DynamicUser = true;
        ExecStart = "${package}/bin/${name}";
        EnvironmentFile = lib.mkIf (envFile != null) envFile;
      };
    };
  };

  # A placeholder the admin must replace; it renders nothing secret.
  defaultPasswordHint = "set passwordFile";
  exampleConfig = lib.literalExpression ''
    {
      password = "hunter2";
      token = "example";
    }
  '';
}
