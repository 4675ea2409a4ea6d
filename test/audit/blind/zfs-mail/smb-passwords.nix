{ config, pkgs, ... }:
{
  sops.secrets.smb_passwords = { };
  systemd.services.smb-set-passwords = {
    wantedBy = [ "samba-smbd.service" ];
    path = [ pkgs.samba ];
    serviceConfig = {
      Type = "oneshot";
      EnvironmentFile = config.sops.secrets.smb_passwords.path;
    };
    script = ''
      smbpasswd -s -a lucy <<EOF
      $LUCY_PASSWORD
      $LUCY_PASSWORD
      EOF
    '';
  };
}
