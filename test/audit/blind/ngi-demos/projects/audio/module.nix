{ config, lib, ... }:
{
  options.services.audio-lib.environmentFile = lib.mkOption {
    type = lib.types.nullOr lib.types.path;
    default = null;
    example = "/run/secrets/audio-lib.env";
    description = ''
      Secret environment variables, for example:

      ```
      DJANGO_SECRET_KEY="some-very-secret-example-key"
      SEARCH_API_KEY="another-secret-example-key"
      ```
    '';
  };
}
