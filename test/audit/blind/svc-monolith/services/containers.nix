{ config, ... }:
{
  virtualisation.oci-containers.containers.photos-db = {
    image = "postgres:16";
    environment = {
      POSTGRES_USER = "photos";
      POSTGRES_PASSWORD = "photos-db-blind";
      POSTGRES_DB = "photos";
    };
    environmentFiles = [ "/srv/photos/db.env" ];
  };
  virtualisation.oci-containers.containers.tunnel = {
    image = "cloudflare/cloudflared:latest";
    cmd = [ "tunnel" "--no-autoupdate" "run" "--token" "{{fake:jwt}}" ];
  };
  systemd.services.photos-sync.serviceConfig.Environment = [ "SYNC_API_TOKEN={{blind:alnum:32}}" "SYNC_INTERVAL=300" ];
  systemd.services.photos-sync.environment.LOG_LEVEL = "info";
}
