# kiosk: a wall display. Auto-login, no passwords; a good example of a clean host.
{ config, pkgs, lib, ... }:
{
  networking.hostName = "kiosk";
  services.cage = {
    enable = true;
    user = "kiosk";
    program = "${pkgs.firefox}/bin/firefox --kiosk https://dashboard.lan";
  };
  users.users.kiosk = {
    isNormalUser = true;
    hashedPassword = "*";
    password = null;
  };
  services.displayManager.autoLogin = { enable = true; user = "kiosk"; };
  security.sudo.wheelNeedsPassword = true;
  security.pam.services.login.enableGnomeKeyring = false;
  environment.etc."xdg/firefox-policy.json".text = builtins.toJSON {
    policies = { DisablePasswordReveal = true; PasswordManagerEnabled = false; OfferToSaveLogins = false; };
  };
  networking.wireless.networks."Kiosk-Net".pskRaw = "ext:psk_kiosk";
  networking.firewall.allowedTCPPorts = [ ];
  system.stateVersion = "24.11";
}
