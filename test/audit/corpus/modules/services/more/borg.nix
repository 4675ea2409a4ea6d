# borgbackup jobs: passCommand (good), a literal passphrase and a key from the repo (bad)
{ config, lib, pkgs, ... }:
{
  services.borgbackup.jobs = {
    home = {
      paths = [ "/home" ];
      repo = "borg@storage2.lan:/srv/borg/home";
      encryption = { mode = "repokey-blake2"; passCommand = "cat ${config.age.secrets.borg-home.path}"; };
      environment.BORG_RSH = "ssh -i /etc/ssh/borg_ed25519";
      compression = "auto,zstd";
      startAt = "daily";
    };
    photos = {
      paths = [ "/srv/photos" ];
      repo = "borg@offsite.example.net:photos";
      encryption = { mode = "repokey"; passphrase = "Borg-Photos-Passphrase-22"; }; # expect: secret-option-literal
      environment.BORG_RSH = "ssh -i ${./keys/borg_offsite_ed25519}"; # expect: secret-path-copied
      startAt = "weekly";
    };
  };
}
