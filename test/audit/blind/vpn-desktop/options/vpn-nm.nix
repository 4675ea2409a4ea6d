{ config, lib, pkgs, ... }:
let cfg = config.networking.vpn-profiles;
profile = name: ''
  [vpn]
  connection-type=password
  password-flags=${if cfg.passwordFile != null then "0" else "1"}
  username=${cfg.username}

  [vpn-secrets]
  password=@PASSWORD@
'';
in {
  options.networking.vpn-profiles = {
    username = lib.mkOption { type = lib.types.str; };
    passwordFile = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      default = null;
      example = "/etc/vpn.password";
    };
  };
  config = {
    environment.etc."NetworkManager/system-connections/vpn.nmconnection" = { text = profile "vpn"; mode = "0600"; };
    system.activationScripts.vpn-password = lib.stringAfter [ "etc" ] ''
      ${pkgs.gnused}/bin/sed -i "s/@PASSWORD@/$(< ${cfg.passwordFile})/" /etc/NetworkManager/system-connections/vpn.nmconnection
    '';
  };
}
