{ config, ... }:
{
  users.users.admin = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
    hashedPassword = "{{fake:sha512crypt}}";
    openssh.authorizedKeys.keys = [ (builtins.readFile ../../keys/admin.pub) ];
  };
  users.users.tunnel = {
    isNormalUser = true;
    hashedPassword = "{{fake:yescrypt}}";
    openssh.authorizedKeys.keyFiles = [ ../../keys/tunnel.pub ];
  };
}
