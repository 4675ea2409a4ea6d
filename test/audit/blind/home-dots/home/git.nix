{ config, pkgs, ... }:
{
  programs.git = {
    enable = true;
    userName = "Sam";
    signing.key = "~/.ssh/id_ed25519.pub";
    extraConfig = {
      github.user = "sam-blind";
      github.token = "{{fake:githubFine}}";
      credential.helper = "libsecret";
      gpg.ssh.allowedSignersFile = "~/.config/git/allowed_signers";
    };
  };
  home.file.".config/git/allowed_signers".text = "sam@example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISamBlindBlindBlindBlindBlindBlindBlindBlin";
}
