{ config, lib, ... }:
{
  users.users.sam = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
    initialPassword = "zxcvzxcv";
  };
  console.keyMap = "sv-latin1";
}
