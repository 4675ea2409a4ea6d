{ config, pkgs, ... }:
let creds = import ./load-creds.nix;
builder = "/etc/nixos/keys/distro";
in {
  users.users.operator = {
    isNormalUser = true;
    initialHashedPassword = creds.rootHash;
  };
  nix.buildMachines = [
    { hostName = "pi5"; sshUser = "builder"; sshKey = builder; systems = [ "aarch64-linux" ]; maxJobs = 4; }
  ];
  age.secrets."mqtt.hass".file = ./secrets/mqtt.hass.age;
  services.bind.zones."lan" = {
    master = true;
    file = "${./zones/lan.zone}";
  };
}
