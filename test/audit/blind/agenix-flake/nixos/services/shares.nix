{ config, lib, pkgs, ... }:
{
  systemd.services.smb-user = {
    wantedBy = [ "multi-user.target" ];
    serviceConfig = { Type = "oneshot"; ConditionFirstBoot = true; };
    script = ''
      pw_file="${config.age.secrets.smb.path}"
      pw=$(cat "$pw_file")
      echo -e "$pw\n$pw\n" | ${lib.getExe' pkgs.samba "smbpasswd"} -a -s me
    '';
  };
  home-manager.users.me.programs.ssh.matchBlocks.github = { identityFile = "~/.ssh/github"; addKeysToAgent = "yes"; };
  home-manager.users.me.home.activation.gitEmail = ''
    email=$(cat /run/agenix/email)
    git config --global user.email "$email"
  '';
}
