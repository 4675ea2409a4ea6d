{ lib, modulesPath, ... }:
{
  imports = [ (modulesPath + "/installer/scan/not-detected.nix") ];
  boot.initrd.luks.devices.root.device = "/dev/disk/by-uuid/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e";
  fileSystems."/" = { device = "/dev/mapper/root"; fsType = "ext4"; };
  hardware.bluetooth.enable = true;
  nixpkgs.hostPlatform = lib.mkDefault "x86_64-linux";
}
