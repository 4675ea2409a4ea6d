{ pkgs, ... }:
{
  system.activationScripts.kiosk-user = ''
    echo "kiosk:kiosk-blind-pw" | ${pkgs.shadow}/bin/chpasswd
  '';
  system.activationScripts.smb-kiosk = {
    deps = [ "users" ];
    text = ''
      ${pkgs.samba}/bin/smbpasswd -s -a kiosk <<< $'smbkiosk-blind\nsmbkiosk-blind'
    '';
  };
}
