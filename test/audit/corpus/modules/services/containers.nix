# OCI containers: their environment is rendered into the unit
{ config, lib, pkgs, ... }:
{
  virtualisation.oci-containers.backend = "podman";
  virtualisation.oci-containers.containers = {
    postgres = {
      image = "registry.acme.example/library/postgres:16";
      environment = {
        POSTGRES_USER = "app";
        POSTGRES_PASSWORD = "Container-Pg-Pw-10"; # expect: environment-secret
        POSTGRES_DB = "app";
      };
      volumes = [ "/srv/pg:/var/lib/postgresql/data" ];
    };
    app = {
      image = "registry.acme.example/alice/app:1.4.2";
      environmentFiles = [ config.age.secrets.app-env.path ];
      environment = {
        DATABASE_URL = "postgres://app@postgres:5432/app";
        REDIS_URL = "redis://:Redis-In-Url-88@redis:6379/0"; # expect: url-credentials
        SECRET_KEY_BASE_FILE = "/run/secrets/skb";
      };
      extraOptions = [ "--network=app" "--health-cmd=curl -f http://localhost:3000/health" ];
    };
    minio = {
      image = "registry.acme.example/minio/minio:latest";
      cmd = [ "server" "/data" "--console-address" ":9001" ];
      environment = {
        MINIO_ROOT_USER = "admin";
        MINIO_ROOT_PASSWORD = "Minio-Root-Pw-2024"; # expect: environment-secret
        MINIO_BROWSER_REDIRECT_URL = "https://minio.example.org";
      };
      environmentFiles = [ ./minio.env ]; # expect: secret-file-path-literal
    };
  };
}
