{ config, pkgs, ... }:
let
  tmpl = pkgs.writeText "relay.conf.in" ''
    [relay]
    user = relay
    password = @RELAY_PASSWORD@
    api_key = ''${RELAY_API_KEY}
  '';
in {
  systemd.services.relay.preStart = ''
    ${pkgs.envsubst}/bin/envsubst < ${tmpl} > /run/relay/relay.conf
    ${pkgs.replace-secret}/bin/replace-secret @RELAY_PASSWORD@ ${config.age.secrets.relay.path} /run/relay/relay.conf
  '';
  services.wpa.networks.home.psk = "@PSK_HOME@";
  services.freshrss.passwordFile = "/run/secrets/freshrss";
  services.grafana.settings.database.password = "$__file{/run/secrets/grafana-db}";
  services.forgejo.settings.mailer.PASSWD = "%(FORGEJO_MAILER_PASSWD)s";
}
