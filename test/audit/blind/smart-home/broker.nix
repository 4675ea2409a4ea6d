{ ... }:
{
  services.mosquitto = {
    enable = true;
    listeners = [{
      address = "192.168.10.5";
      port = 1883;
      users = {
        # the LAN is trusted, so this is only a formality
        sensors = {
          acl = [ "readwrite #" ];
          password = "sensors";
        };
        dashboard.passwordFile = "/run/keys/mqtt-dashboard";
      };
    }];
  };
}
