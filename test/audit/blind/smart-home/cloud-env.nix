{ pkgs, ... }:
{
  systemd.services.cloud-init-secrets = {
    serviceConfig.Type = "oneshot";
    script = ''
      f=/var/lib/cloud/.env
      [ -e "$f" ] && exit 0
      IDM_PASSWORD=$(${pkgs.openssl}/bin/openssl rand -base64 24)
      ADMIN_PASSWORD=$(${pkgs.openssl}/bin/openssl rand -base64 24)
      {
        echo "IDM_ADMIN_PASSWORD=$ADMIN_PASSWORD"
        echo "LDAP_BIND_PASSWORD=$IDM_PASSWORD"
      } > "$f"
      chmod 600 "$f"
    '';
  };
}
