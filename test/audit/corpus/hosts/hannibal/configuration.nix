# hannibal: the public-facing box (withings bridge, grafana, nginx)
{ config, pkgs, lib, ... }:

let
  domain = "hannibal.example.org";
  # fine: a runtime path, not a value
  grafanaPasswordPath = config.age.secrets.grafana-admin.path;
  # leak: a let-bound literal that flows into a unit's environment below
  withingsSecret = "w1th1ngs-Cl13nt-S3cr3t"; # expect: environment-secret
in
{
  imports = [
    ./hardware-configuration.nix
    ../../modules/services/withings.nix
    ../../modules/services/monitoring.nix
    ../../modules/profiles/users.nix
  ];

  networking.hostName = "hannibal";
  networking.domain = "example.org";
  time.timeZone = "Europe/Berlin";

  age.secrets = {
    grafana-admin = { file = ../../secrets/grafana-admin.age; owner = "grafana"; };
    withings-client-secret.file = ../../secrets/withings-client-secret.age;
    nginx-htpasswd = { file = ../../secrets/nginx-htpasswd.age; owner = "nginx"; };
  };

  services.withings-weights = {
    enable = true;
    oauthClientId = "4f1b2c3d4e5f6a7b8c9d";
    oauthClientSecretFile = config.age.secrets.withings-client-secret.path;
  };

  systemd.services.withings-sync = {
    description = "push withings measurements to influx";
    wantedBy = [ "multi-user.target" ];
    environment = {
      WITHINGS_CLIENT_SECRET = withingsSecret;
      INFLUX_URL = "http://127.0.0.1:8086";
      INFLUX_TOKEN_FILE = "%d/influx";
    };
    serviceConfig = {
      DynamicUser = true;
      LoadCredential = [ "influx:/run/agenix/influx-token" ];
      ExecStart = "${pkgs.withings-sync}/bin/withings-sync --config /etc/withings/sync.toml";
    };
  };

  services.grafana = {
    enable = true;
    settings = {
      server = { domain = domain; http_port = 3000; };
      security = {
        admin_user = "alice";
        admin_password = "$__file{${grafanaPasswordPath}}";
        secret_key = "8c2f1e7a9b3d4c6e"; # expect: secret-option-literal
      };
      database = {
        type = "postgres";
        host = "127.0.0.1:5432";
        user = "grafana";
        password = "$__file{/run/agenix/grafana-db}";
      };
    };
  };

  services.nginx = {
    enable = true;
    recommendedTlsSettings = true;
    virtualHosts.${domain} = {
      forceSSL = true;
      enableACME = true;
      basicAuthFile = config.age.secrets.nginx-htpasswd.path;
      locations."/".proxyPass = "http://127.0.0.1:3000";
      locations."/metrics".extraConfig = ''
        allow 10.0.0.0/8;
        deny all;
      '';
    };
    virtualHosts."legacy.${domain}" = {
      # leak: the key of the old certificate is copied into the store
      sslCertificate = ./certs/legacy.crt;
      sslCertificateKey = ./certs/legacy.key; # expect: secret-file-path-literal
    };
  };

  security.acme = {
    acceptTerms = true;
    defaults.email = "alice@example.org";
    defaults.credentialsFile = "/run/agenix/acme-dns";
  };

  users.users.root.openssh.authorizedKeys.keys = [
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICNJ5aWDGYyaxrSnCKVy98uWfHzrUyRki04qsKY3B4he alice@laptop"
  ];

  services.openssh = {
    enable = true;
    settings.PasswordAuthentication = false;
    settings.KbdInteractiveAuthentication = false;
  };

  system.stateVersion = "24.11";
}
