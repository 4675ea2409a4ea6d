# openssh host keys: a runtime path (good) and a key from the repository (bad)
{ config, lib, ... }:
{
  services.openssh = {
    enable = true;
    hostKeys = [
      { path = "/etc/ssh/ssh_host_ed25519_key"; type = "ed25519"; }
      { path = ./host-keys/ssh_host_rsa_key; type = "rsa"; bits = 4096; } # expect: identity-path-literal
    ];
    settings = {
      PermitRootLogin = "prohibit-password";
      PasswordAuthentication = false;
      AuthorizedKeysFile = "%h/.ssh/authorized_keys /etc/ssh/authorized_keys.d/%u";
    };
    knownHosts."github.com".publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
  };

  programs.ssh.extraConfig = ''
    Host storage2
      HostName storage2.lan
      User alice
      IdentityFile ~/.ssh/id_ed25519
  '';
}
