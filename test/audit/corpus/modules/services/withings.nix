# A hand-written module in the nixpkgs style: options with *File twins,
# examples and defaults that mention passwords (declarations, not values),
# and a unit that reads the secret at run time.
{ config, lib, pkgs, ... }:

let
  cfg = config.services.withings-weights;
  settingsFormat = pkgs.formats.toml { };
  configFile = settingsFormat.generate "withings.toml" {
    influx = { url = cfg.influxUrl; bucket = "health"; };
    oauth = { client_id = cfg.oauthClientId; redirect_uri = "https://${cfg.domain}/callback"; };
  };
in
{
  options.services.withings-weights = {
    enable = lib.mkEnableOption "the Withings → InfluxDB bridge";
    domain = lib.mkOption { type = lib.types.str; example = "weights.example.org"; };
    oauthClientId = lib.mkOption {
      type = lib.types.str;
      description = "OAuth client id (public).";
    };
    oauthClientSecret = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      default = null;
      example = "hunter2-secret";
      description = ''
        The OAuth client secret. Do not use this: it ends up in the store.
        Use {option}`oauthClientSecretFile` = "/run/agenix/withings"; instead.
        password = "this is documentation, not a value";
      '';
    };
    oauthClientSecretFile = lib.mkOption {
      type = lib.types.nullOr lib.types.path;
      default = null;
      example = lib.literalExpression ''config.age.secrets.withings.path'';
      description = "File holding the OAuth client secret, read at service start.";
    };
    influxUrl = lib.mkOption { type = lib.types.str; default = "http://127.0.0.1:8086"; };
    influxTokenFile = lib.mkOption { type = lib.types.path; default = "/run/agenix/influx-token"; };
  };

  config = lib.mkIf cfg.enable {
    assertions = [{
      assertion = cfg.oauthClientSecret == null || cfg.oauthClientSecretFile == null;
      message = "set only one of oauthClientSecret and oauthClientSecretFile (token = secret)";
    }];

    systemd.services.withings-weights = {
      wantedBy = [ "multi-user.target" ];
      after = [ "network-online.target" ];
      environment.WITHINGS_CONFIG = configFile;
      serviceConfig = {
        DynamicUser = true;
        LoadCredential = [
          "client-secret:${cfg.oauthClientSecretFile}"
          "influx-token:${cfg.influxTokenFile}"
        ];
        ExecStart = "${pkgs.withings-weights}/bin/withings-weights --client-secret-file %d/client-secret --influx-token-file %d/influx-token";
      };
      preStart = ''
        export WITHINGS_CLIENT_SECRET="$(< "$CREDENTIALS_DIRECTORY/client-secret")"
        export INFLUX_TOKEN=$(cat ${cfg.influxTokenFile})
      '';
    };
  };
}
