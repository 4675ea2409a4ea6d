{ pkgs, ... }:
let diskKey = "Zx8Kq2blindDiskKey77";
in {
  systemd.services.unlock-archive = {
    wantedBy = [ "multi-user.target" ];
    serviceConfig.Type = "oneshot";
    script = ''
      [ -e /dev/mapper/archive ] || echo -n ${diskKey} | ${pkgs.cryptsetup}/bin/cryptsetup --key-file=- luksOpen /dev/disk/by-label/archive archive
    '';
  };
}
