{ config, ... }:
{
  system.activationScripts.smbUsers = let
    samba = config.services.samba.package;
    user = config.host.nasUser;
    pwPath = config.sops.secrets.smb_pw.path;
  in {
    text = ''
      pw=$(cat ${pwPath})
      printf "$pw\n$pw\n" | ${samba}/bin/smbpasswd -a -s ${user}
    '';
    deps = [ "users" "groups" ];
  };
}
