{ pkgs, ... }:
{
  systemd.services.router-exporter.serviceConfig.ExecStart = "${pkgs.router-exporter}/bin/router-exporter --router.user=admin --router.password=rtr-blind-pass --listen :9436";
  systemd.services.ups-exporter.serviceConfig.ExecStart = "${pkgs.nut-exporter}/bin/nut_exporter --nut.username=monitor --nut.password-file=/run/keys/nut";
  systemd.services.status-push = {
    startAt = "*:0/5";
    script = ''
      ${pkgs.curl}/bin/curl -fsS -u pusher:push-blind-secret https://status.example.org/api/push/monitor1
    '';
  };
  systemd.services.healthcheck.script = ''
    ${pkgs.curl}/bin/curl -fsS -m 10 --retry 3 https://hc.example.org/ping/$(cat $CREDENTIALS_DIRECTORY/hc-uuid)
  '';
  systemd.services.healthcheck.serviceConfig.LoadCredential = [ "hc-uuid:/run/keys/hc-uuid" ];
}
