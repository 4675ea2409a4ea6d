{ config, pkgs, ... }:
let spiceSecret = config.sops.secrets.spice_password.path;
in {
  systemd.services.games-vm.script = ''
    exec ${pkgs.qemu}/bin/qemu-system-x86_64 -m 16G \
      -object secret,id=spicesec0,file=${spiceSecret} \
      -spice port=5910,addr=0.0.0.0,password-secret=spicesec0
  '';
  programs.git.config.user.signingkey = "BA3B111150D38817";
}
