# storage2: the NAS. nixsec sets the samba passwords of alice and bob before
# smbd starts, hands the local LUKS key half to the `unlock` unit as a
# credential, gives alice a hashed login password, and puts the initrd's SSH
# host key into the initrd (boot.initrd.secrets, for unlocking over SSH).
{ pkgs, ... }:
{
  imports = [ ./common.nix ];
  networking.hostName = "storage2";
  services.samba = {
    enable = true;
    settings.share = { path = "/srv/share"; "valid users" = "alice bob"; };
  };
  users.users.alice = { isNormalUser = true; };
  users.users.bob = { isNormalUser = true; };
  systemd.services.unlock = {
    description = "Unlock the data disk with the local key half";
    serviceConfig.Type = "oneshot";
    # nixsec adds LoadCredential = [ "keyfile:/run/agenix/disk/unlockLocal" ].
    script = ''
      ${pkgs.cryptsetup}/bin/cryptsetup open /dev/disk/by-label/data data --key-file "$CREDENTIALS_DIRECTORY/keyfile"
    '';
  };
}
