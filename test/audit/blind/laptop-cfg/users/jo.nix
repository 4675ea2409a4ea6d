{ config, pkgs, ... }:
{
  users.users.jo = {
    isNormalUser = true;
    extraGroups = [ "wheel" "networkmanager" ];
    hashedPassword = "{{fake:sha512crypt}}";
  };
  home-manager.users.jo.accounts.email.accounts.main = {
    address = "jo@mail.example";
    passwordCommand = "${pkgs.pass}/bin/pass show email/main";
  };
}
