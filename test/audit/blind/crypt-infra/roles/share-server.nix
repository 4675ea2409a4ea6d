{ config, lib, secrets, ... }:
{
  users.groups.share.gid = 5000;
  users.users.share = {
    uid = 5000;
    group = "share";
    isSystemUser = true;
    password = secrets.shareAuth;
  };
  services.samba = {
    enable = true;
    settings.global."server min protocol" = "SMB3";
    settings.global."ntlm auth" = "ntlmv2-only";
  };
}
