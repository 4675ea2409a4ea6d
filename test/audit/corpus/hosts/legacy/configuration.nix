# legacy: the oldest box, configured before there was any secret management.
# Almost every pattern in the catalogue, on purpose.
{ config, pkgs, lib, ... }:

let
  dbPassword = "legacy-db-pass-1"; # expect: cmdline-secret
  adminEmail = "root@example.org";
  mqttCreds = { user = "sensors"; password = "Mqtt-Sensor-Pw-5"; }; # expect: secret-option-literal
in
{
  networking.hostName = "legacy";

  users.users.root.password = "toor"; # expect: plaintext-password
  users.users.operator = {
    isNormalUser = true;
    initialHashedPassword = "{{fake:sha512crypt}}"; # expect: hashed-password
  };
  users.users.nologin.hashedPassword = "!";

  system.activationScripts.setRootPassword = {
    deps = [ "users" ];
    text = ''
      echo "root:Legacy-Root-Pw-1" | ${pkgs.shadow}/bin/chpasswd # expect: activation-script-secret
    '';
  };
  system.activationScripts.apiKey = lib.stringAfter [ "etc" ] ''
    mkdir -p /var/lib/app
    echo "API_KEY=a9f3e1c7b5d2f4e6" > /var/lib/app/env # expect: activation-script-secret
    chmod 600 /var/lib/app/env
  '';

  environment.etc."restic/password".text = "Tr0ub4dor&3xyz"; # expect: file-text-secret
  environment.etc."app/db.ini".text = ''
    [database]
    host = localhost
    user = app
    password = Legacy-Ini-Pw-44 # expect: file-text-secret
  '';
  environment.etc."ssh/ssh_host_ed25519_key" = {
    mode = "0600";
    text = ''
      # expect+1: private-key
      {{fake:pem:OPENSSH}}
    '';
  };
  environment.etc."ssh/ssh_host_ed25519_key.pub".text = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGvqZYlyhJaUXS8FJzEVosV4Lw1IFQUEujLNJ+qgZnWV root@legacy";

  services.postgresql = {
    enable = true;
    initialScript = pkgs.writeText "init.sql" ''
      CREATE ROLE app WITH LOGIN PASSWORD '${dbPassword}';
      CREATE DATABASE app OWNER app;
    '';
  };

  services.mosquitto = {
    enable = true;
    listeners = [{
      users.sensors = {
        acl = [ "readwrite sensors/#" ];
        password = mqttCreds.password;
      };
      users.dashboard = {
        acl = [ "read sensors/#" ];
        hashedPassword = "$7$101$Q8wKcTfPJpsx2SMf$Kq2QlZ7eX1sJ4Yy9bVv0o3mNf6rT8uW5cA1dE2gH3iJ4kL5mN6oP7qR8sT9uV0wX1yZ2aB3cD4eF5gH6iJ7kL8mN9=="; # expect: hashed-password
      };
    }];
  };

  services.redis.servers.cache = {
    enable = true;
    requirePass = "Redis-Cache-Pw-12"; # expect: secret-option-literal
  };

  services.nextcloud = {
    enable = true;
    hostName = "cloud.example.org";
    config.adminpass = "Nextcloud-Legacy-1"; # expect: secret-option-literal
    config.dbpassFile = "/run/secrets/nextcloud-db";
  };

  systemd.services.report = {
    startAt = "weekly";
    script = ''
      ${pkgs.curl}/bin/curl -u admin:Curl-Basic-Pw-8 https://reports.example.org/upload -F file=@/var/log/report # expect: cmdline-secret
      ${pkgs.mailutils}/bin/mail -s report ${adminEmail} < /var/log/report
    '';
  };

  systemd.services.app = {
    wantedBy = [ "multi-user.target" ];
    serviceConfig = {
      ExecStart = "${pkgs.python3}/bin/python -m app --db-password=${dbPassword} --port 8080";
      SetCredential = "session:Legacy-Session-Key-7"; # expect: set-credential-secret
    };
  };

  deployment.keys."backup-password".text = "Legacy-Backup-Pw-3"; # expect: deployment-keys-text
}
