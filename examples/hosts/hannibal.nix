# hannibal: runs withings-weights behind nginx, and syncs from storage2's
# share. nixsec sets withings-weights' two *File options and the site's
# basicAuthFile to the decrypted paths, and hands share-sync the rendered
# cifs credentials (templates.cifs/alice) as a systemd credential
# (nixsec.yaml: secrets.withings/*, nginx/weightsHtpasswd, templates).
{ pkgs, ... }:
{
  imports = [ ./common.nix ../modules/withings-weights.nix ];
  networking.hostName = "hannibal";
  services.withings-weights.enable = true;

  services.nginx = {
    enable = true;
    virtualHosts."weights.example.com".locations."/".proxyPass = "http://127.0.0.1:8080";
  };

  # Reads the mount.cifs credentials file nixsec renders from
  # templates/cifs-alice (alice's samba password inserted on the host).
  systemd.services.share-sync = {
    description = "Copy the scans from storage2's share";
    serviceConfig.Type = "oneshot";
    script = ''
      ${pkgs.util-linux}/bin/mount -t cifs //storage2/share /mnt/share -o "credentials=$CREDENTIALS_DIRECTORY/cifs"
    '';
  };
}
