# chrysalis: alice's laptop
{ config, pkgs, lib, inputs, ... }:

{
  imports = [ ./hardware-configuration.nix ];

  networking.hostName = "chrysalis";
  networking.networkmanager.enable = false;

  sops = {
    defaultSopsFile = ../../secrets/chrysalis.sops.yaml;
    age.keyFile = "/var/lib/sops-nix/key.txt";
    age.sshKeyPaths = [ "/etc/ssh/ssh_host_ed25519_key" ];
    secrets."wireless.env" = { };
    secrets.alice-password.neededForUsers = true;
  };

  users.mutableUsers = false;
  users.users.alice = {
    isNormalUser = true;
    extraGroups = [ "wheel" "networkmanager" "video" ];
    hashedPasswordFile = config.sops.secrets.alice-password.path;
  };
  # the guest account: a throwaway password, but still the live one
  users.users.guest = {
    isNormalUser = true;
    initialPassword = "guest"; # expect: plaintext-password
  };

  home-manager.useGlobalPkgs = true;
  home-manager.users.alice = import ./home.nix;

  services.syncthing = {
    enable = true;
    user = "alice";
    settings.gui = {
      user = "alice";
      password = "Syncthing-GUI-2024"; # expect: secret-option-literal
    };
    settings.devices.storage2.id = "MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD";
  };

  services.tailscale = {
    enable = true;
    authKeyFile = config.sops.secrets.tailscale.path;
    extraUpFlags = [ "--ssh" "--accept-routes" ];
  };

  programs.ssh.knownHosts.storage2 = {
    hostNames = [ "storage2" "storage2.lan" ];
    publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEaVB3uP20MO9DV7x2GejsMHLNPxe+Mdp6ZBZ7uCR6SQ";
  };

  environment.systemPackages = with pkgs; [ firefox git age sops ];
  system.stateVersion = "24.11";
}
