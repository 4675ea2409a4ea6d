{ config, lib, ... }:
{
  options.services.cifs-user-mounts.shares = lib.mkOption {
    default = [ ];
    example = lib.literalExpression ''
      [ { server = "files.example"; share = "home"; options = "credentials=$HOME/.files.credentials,uid=$(id -u)"; } ]
    '';
    description = ''
      The credentials file looks like this:

        domain=YOUR_DOMAIN
        username=YOUR_USERNAME
        password=YOUR_PASSWORD

      Keep it mode 600.
    '';
  };
}
