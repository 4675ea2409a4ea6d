# An overlay of small admin scripts.
final: prev: {
  backup-now = prev.writeShellScriptBin "backup-now" ''
    set -euo pipefail
    export RESTIC_REPOSITORY=sftp:storage2.lan:/srv/restic
    export RESTIC_PASSWORD_FILE=/run/agenix/restic
    ${prev.restic}/bin/restic backup --tag manual "$@"
  '';

  db-shell = prev.writeShellScriptBin "db-shell" ''
    exec ${prev.postgresql}/bin/psql "postgresql://app:Psql-Shell-Pw-12@db.lan:5432/app" # expect: url-credentials
  '';

  db-shell-good = prev.writeShellScriptBin "db-shell-good" ''
    PGPASSWORD="$(cat /run/agenix/pg-app)" exec ${prev.postgresql}/bin/psql -h db.lan -U app app
  '';

  mirror-photos = prev.writeShellApplication {
    name = "mirror-photos";
    runtimeInputs = [ prev.rsync prev.sshpass ];
    text = ''
      sshpass -p 'Photo-Nas-Ssh-Pw-9' rsync -a ~/Pictures/ photos@nas.lan:/srv/photos/ # expect: cmdline-secret
      sshpass -f "$HOME/.config/nas-password" rsync -a ~/Music/ music@nas.lan:/srv/music/
    '';
  };

  mqtt-test = prev.writers.writeBashBin "mqtt-test" ''
    ${prev.mosquitto}/bin/mosquitto_pub -h mqtt.lan -u sensors --password "$MQTT_PASSWORD" -t test -m hello
    ${prev.mosquitto}/bin/mosquitto_pub -h mqtt.lan -u admin -P Mqtt-Admin-Cli-4 -t test -m hello # expect: cmdline-secret
  '';

  vault-login = prev.writeScriptBin "vault-login" ''
    #!${prev.runtimeShell}
    export VAULT_ADDR=https://vault.lan:8200
    export VAULT_TOKEN=hvs.CAESIJ-vault-root-token-fake-value # expect: store-writer-secret
    ${prev.vault}/bin/vault status
  '';
}
