{ config, lib, ... }:
let
  platform = config.host.platform;
  hashedPassword =
    if platform == "desktop" then
      "{{fake:sha512crypt}}"
    else if platform == "laptop" then
      "{{fake:sha512crypt}}"
    else
      "{{fake:yescrypt}}";
in {
  users.users.me = { inherit hashedPassword; isNormalUser = true; };
  users.users.root = { inherit hashedPassword; };
  networking.hostName = "me-${platform}";
  services.logind.extraConfig = "HandlePowerKey=ignore";
}
