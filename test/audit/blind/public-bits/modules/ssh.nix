{ config, pkgs, ... }:
{
  services.openssh = {
    enable = true;
    settings.PasswordAuthentication = false;
    settings.KbdInteractiveAuthentication = false;
    authorizedKeysFiles = [ "/etc/ssh/authorized_keys.d/%u" ];
    hostKeys = [{ path = "/etc/ssh/ssh_host_ed25519_key"; type = "ed25519"; }];
  };
  programs.ssh.knownHosts."git.example.org".publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGitBlindBlindBlindBlindBlindBlindBlindBlindB";
  system.activationScripts.deploy-keys = ''
    install -d -m 700 /home/deploy/.ssh
    cat /etc/ssh/authorized_keys.d/deploy > /home/deploy/.ssh/authorized_keys
  '';
  security.pam.services.sudo.sshAgentAuth = true;
  security.sudo.extraConfig = "deploy ALL=(ALL) NOPASSWD: /run/current-system/sw/bin/nixos-rebuild";
}
