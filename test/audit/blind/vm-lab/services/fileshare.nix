{ config, pkgs, ... }:
{
  services.samba = {
    enable = true;
    settings.ada = { path = "/srv/ada"; "valid users" = "ada"; "guest ok" = "no"; };
  };
  systemd.services.samba-users = {
    wantedBy = [ "multi-user.target" ];
    after = [ "samba-smbd.service" ];
    serviceConfig = { Type = "oneshot"; RemainAfterExit = true; };
    script = ''
      if ! ${pkgs.samba}/bin/pdbedit -L | grep -q '^ada:'; then
        printf 'smbshare-blind\nsmbshare-blind\n' | ${pkgs.samba}/bin/pdbedit -a -u ada -t
      fi
    '';
  };
}
