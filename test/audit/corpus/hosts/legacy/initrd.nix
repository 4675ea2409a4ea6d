# legacy: remote unlock in the initrd
{ config, lib, pkgs, ... }:
{
  boot.initrd.network.enable = true;
  boot.initrd.network.ssh = {
    enable = true;
    port = 2222;
    hostKeys = [ "/etc/secrets/initrd/ssh_host_ed25519_key" ];
    authorizedKeys = config.users.users.root.openssh.authorizedKeys.keys;
  };
  boot.initrd.secrets = {
    "/etc/secrets/initrd/ssh_host_rsa_key" = ./initrd/ssh_host_rsa_key; # expect: identity-path-literal
    "/crypto_keyfile.bin" = "/etc/secrets/crypto_keyfile.bin";
  };
  boot.initrd.luks.devices.root = {
    device = "/dev/disk/by-uuid/9f0a1b2c-3d4e-5f6a-7b8c-9d0e1f2a3b4c";
    keyFile = "/crypto_keyfile.bin";
  };
  boot.initrd.network.postCommands = ''
    echo 'cryptsetup-askpass' >> /root/.profile
  '';
}
