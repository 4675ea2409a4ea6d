{ config, lib, ... }:
{
  services.home-assistant.config = {
    notify = [{
      name = "push";
      platform = "rest";
      authentication = "basic";
      username = "hass";
      password = "!secret push_password";
      resource = "https://push.home.example";
    }];
    device_tracker = map (host: {
      inherit host;
      platform = "unifi_direct";
      username = "tracker";
      password = "!secret ap_ssh";
    }) [ "192.168.10.21" "192.168.10.22" ];
    influxdb = {
      api_version = 2;
      token = "!secret influx_token";
      organization = "home";
    };
    http.trusted_proxies = [
      (builtins.readFile (config.fleet.varsDir + "/per-machine/gate/wg-ip/ipv4/value"))
    ];
  };
}
