{ lib, modulesPath, ... }:
{
  imports = [ (modulesPath + "/installer/scan/not-detected.nix") ];
  boot.initrd.availableKernelModules = [ "ahci" "xhci_pci" "usb_storage" "sd_mod" ];
  boot.supportedFilesystems = [ "zfs" ];
  boot.zfs.extraPools = [ "tank" ];
  # the pool key is read at boot from a runtime path: fine
  boot.zfs.requestEncryptionCredentials = [ "tank/secure" ];
  fileSystems."/" = { device = "rpool/root"; fsType = "zfs"; };
  fileSystems."/srv" = { device = "tank/srv"; fsType = "zfs"; };
  nixpkgs.hostPlatform = lib.mkDefault "x86_64-linux";
}
