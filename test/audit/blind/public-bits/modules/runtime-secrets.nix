{ config, pkgs, ... }:
{
  systemd.services.api = {
    serviceConfig = {
      LoadCredential = [ "db:${config.sops.secrets.api-db.path}" "token:/run/keys/api-token" ];
      ExecStart = "${pkgs.api}/bin/api --db-password-file %d/db --token-file %d/token";
    };
    script = ''
      export API_TOKEN="$(< "$CREDENTIALS_DIRECTORY/token")"
      exec ${pkgs.api}/bin/api
    '';
  };
  sops.templates."api.env".content = ''
    DB_PASSWORD=${config.sops.placeholder.api-db}
  '';
  services.api.environmentFile = config.sops.templates."api.env".path;
  services.matrix-synapse.settings.registration_shared_secret_path = "/run/keys/synapse-reg";
  services.mediawiki.passwordFile = config.age.secrets.wiki.path;
  environment.etc."app/secret.conf".source = "/run/agenix/app-secret";
  users.users.svc.password = null;
}
