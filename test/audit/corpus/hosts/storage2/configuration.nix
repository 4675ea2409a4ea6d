# storage2: the NAS (samba, restic to B2, wireguard to the router)
{ config, pkgs, lib, ... }:

let
  b2Bucket = "b2:alice-backups:storage2";
  resticPassword = "correct-horse-battery-staple-nas"; # expect: systemd-script-secret
in
{
  imports = [ ./hardware-configuration.nix ../../modules/services/backup.nix ];

  networking.hostName = "storage2";
  networking.hostId = "8425e349";

  boot.initrd.network = {
    enable = true;
    ssh = {
      enable = true;
      port = 2222;
      authorizedKeys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEaVB3uP20MO9DV7x2GejsMHLNPxe+Mdp6ZBZ7uCR6SQ alice@laptop" ];
      hostKeys = [ ./initrd/ssh_host_ed25519_key ]; # expect: identity-path-literal
    };
  };

  services.samba = {
    enable = true;
    openFirewall = true;
    settings = {
      global = {
        "workgroup" = "HOME";
        "server string" = "storage2";
        "security" = "user";
        "passdb backend" = "tdbsam";
      };
      media = { path = "/srv/media"; "read only" = "no"; "valid users" = "alice bob"; };
    };
  };

  # good: smbpasswd reads the password from the agenix file at start
  systemd.services.samba-users = {
    wantedBy = [ "samba-smbd.service" ];
    before = [ "samba-smbd.service" ];
    serviceConfig.Type = "oneshot";
    script = ''
      pw="$(cat ${config.age.secrets.samba-alice.path})"
      printf '%s\n%s\n' "$pw" "$pw" | ${pkgs.samba}/bin/smbpasswd -s -a alice
    '';
  };

  # bad: the same thing with the password written inline
  systemd.services.samba-bob = {
    wantedBy = [ "samba-smbd.service" ];
    serviceConfig.Type = "oneshot";
    script = ''
      (echo Bobs-Samba-Pw-77; echo Bobs-Samba-Pw-77) | ${pkgs.samba}/bin/smbpasswd -s -a bob # expect: systemd-script-secret
      echo 'bob:Bobs-Samba-Pw-77' | ${pkgs.shadow}/bin/chpasswd # expect: systemd-script-secret
    '';
  };

  systemd.services.restic-b2 = {
    startAt = "daily";
    path = [ pkgs.restic ];
    environment.RESTIC_REPOSITORY = b2Bucket;
    serviceConfig.EnvironmentFile = config.age.secrets.b2-env.path;
    script = ''
      export RESTIC_PASSWORD=${resticPassword}
      restic backup /srv/media /srv/documents
      restic forget --keep-daily 7 --keep-weekly 4 --prune
    '';
  };

  networking.wireguard.interfaces.wg0 = {
    ips = [ "10.100.0.2/24" ];
    listenPort = 51820;
    privateKeyFile = config.age.secrets.wg-storage2.path;
    peers = [{
      publicKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
      presharedKey = "{{fake:wireguard}}"; # expect: wireguard-private-key
      allowedIPs = [ "10.100.0.0/24" ];
      endpoint = "router.lan:51820";
      persistentKeepalive = 25;
    }];
  };

  users.users.bob = {
    isNormalUser = true;
    extraGroups = [ "media" ];
    hashedPassword = "{{fake:yescrypt}}"; # expect: hashed-password
  };

  system.stateVersion = "24.11";
}
