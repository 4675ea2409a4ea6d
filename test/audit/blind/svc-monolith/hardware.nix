{ config, lib, modulesPath, ... }:
{
  imports = [ (modulesPath + "/installer/scan/not-detected.nix") ];
  boot.initrd.luks.devices.cryptroot = {
    device = "/dev/disk/by-uuid/2b7c3f52-9d1e-4c2a-8f3b-5a6d7e8f9a0b";
    keyFile = "/crypto_keyfile.bin";
  };
  boot.initrd.secrets = {
    "/crypto_keyfile.bin" = ./crypto_keyfile.bin;
  };
  fileSystems."/".device = "/dev/mapper/cryptroot";
}
