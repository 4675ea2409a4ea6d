{ config, pkgs, ... }:
{
  fleet.vars.generators.reader-admin = {
    files.credentials = { };
    runtimeInputs = [ pkgs.xkcdpass ];
    script = ''
      printf "ADMIN_USERNAME=admin\nADMIN_PASSWORD='%s'" "$(xkcdpass -d-)" > $out/credentials
    '';
  };
  services.reader.adminCredentialsFile = config.fleet.vars.generators.reader-admin.files.credentials.path;
  environment.etc."reader/test-password".source = config.fleet.vars.generators.reader-admin.files.credentials.path;
}
