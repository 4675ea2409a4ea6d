# nas2: a second NAS, set up in a hurry
{ config, pkgs, lib, ... }:

let
  adminUser = "alice";
  smbPassword = "Nas2-Smb-Password-33"; # expect: activation-script-secret
in
{
  networking.hostName = "nas2";
  boot.initrd.luks.devices.data = {
    device = "/dev/disk/by-uuid/7d8e9f0a-1b2c-3d4e-5f6a-7b8c9d0e1f2a";
    keyFile = "/root/data.key";
  };
  boot.initrd.luks.devices.backup = {
    device = "/dev/disk/by-uuid/8e9f0a1b-2c3d-4e5f-6a7b-8c9d0e1f2a3b";
    keyFile = ./luks/backup.key; # expect: secret-file-path-literal
  };

  users.users.${adminUser} = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
    initialPassword = "changeme"; # expect: plaintext-password
  };

  system.activationScripts.sambaUser = ''
    printf '%s\n%s\n' "${smbPassword}" "${smbPassword}" | ${pkgs.samba}/bin/smbpasswd -s -a ${adminUser}
  '';

  services.nfs.server = {
    enable = true;
    exports = "/srv/share 10.0.0.0/24(rw,sync,no_subtree_check)";
  };

  services.transmission = {
    enable = true;
    settings = {
      rpc-authentication-required = true;
      rpc-username = "alice";
      rpc-password = "Transmission-Rpc-34"; # expect: secret-option-literal
      rpc-whitelist = "127.0.0.1,10.0.0.*";
    };
    credentialsFile = "/run/agenix/transmission";
  };

  services.jellyfin.enable = true;
  services.photoprism = {
    enable = true;
    passwordFile = "/run/agenix/photoprism";
    settings = {
      PHOTOPRISM_ADMIN_USER = "alice";
      PHOTOPRISM_DATABASE_PASSWORD = "Photoprism-Db-35"; # expect: secret-option-literal
      PHOTOPRISM_SITE_URL = "https://photos.example.org/";
    };
  };

  system.stateVersion = "24.11";
}
