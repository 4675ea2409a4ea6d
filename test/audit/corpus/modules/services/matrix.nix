# matrix-synapse with a registration secret inline and an extra config file
{ config, lib, pkgs, ... }:

let
  serverName = "example.org";
in
{
  services.matrix-synapse = {
    enable = true;
    settings = {
      server_name = serverName;
      public_baseurl = "https://matrix.${serverName}";
      registration_shared_secret = "Synapse-Registration-2024-x"; # expect: secret-option-literal
      macaroon_secret_key = "4d2f8a1c6e9b3d7f5a0c2e4b6d8f1a3c"; # expect: secret-option-literal
      form_secret_path = "/run/agenix/synapse-form";
      database = {
        name = "psycopg2";
        args = { user = "synapse"; database = "synapse"; host = "/run/postgresql"; };
      };
      turn_shared_secret = config.sops.placeholder.turn;
      enable_registration = false;
    };
    extraConfigFiles = [ config.sops.templates."synapse-extra.yaml".path ];
  };

  sops.templates."synapse-extra.yaml".content = ''
    email:
      smtp_pass: "${config.sops.placeholder.smtp}"
    turn_shared_secret: "${config.sops.placeholder.turn}"
  '';

  services.mautrix-telegram = {
    enable = true;
    environmentFile = config.age.secrets.mautrix-telegram.path;
    settings.telegram = {
      api_id = 1234567;
      api_hash = "$TELEGRAM_API_HASH";
      bot_token = "disabled";
    };
  };
}
