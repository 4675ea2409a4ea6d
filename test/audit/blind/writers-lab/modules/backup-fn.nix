{ pkgs, lib, ... }:
let
  mkBackup = name: password: {
    systemd.services."backup-${name}" = {
      startAt = "daily";
      script = ''
        export RESTIC_PASSWORD='${password}'
        ${pkgs.restic}/bin/restic -r /mnt/backup/${name} backup /srv/${name}
      '';
    };
  };
in lib.mkMerge [
  (mkBackup "photos" "photos-restic-blind")
  (mkBackup "docs" "docs-restic-blind")
]
