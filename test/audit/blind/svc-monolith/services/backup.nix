{ config, pkgs, ... }:
{
  services.borgbackup.jobs.nas = {
    paths = [ "/srv" ];
    repo = "borg@nas:/backups/monolith";
    encryption = {
      mode = "repokey-blake2";
      passphrase = "borg-blind-passphrase";
    };
    environment.BORG_RSH = "ssh -i /root/.ssh/borg_ed25519";
  };
  services.restic.backups.b2 = {
    repository = "b2:monolith-backups";
    passwordFile = ./restic-password;
    environmentFile = "/root/restic-b2.env";
    paths = [ "/srv" ];
  };
}
