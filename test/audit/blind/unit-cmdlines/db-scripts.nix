{ pkgs, ... }:
{
  systemd.services.nightly-report = {
    startAt = "02:00";
    script = ''
      PGPASSWORD='report-pg-blind' ${pkgs.postgresql}/bin/psql -h db.lan -U report -f /srv/report.sql
      ${pkgs.mariadb}/bin/mysql -u stats --password=stats-blind-pw stats < /srv/stats.sql
    '';
  };
  systemd.services.cert-export.script = ''
    ${pkgs.openssl}/bin/openssl pkcs12 -export -in /var/lib/acme/x/cert.pem -inkey /var/lib/acme/x/key.pem -out /srv/x.p12 -passout pass:p12-blind-pass
  '';
  systemd.services.htpasswd-init.script = ''
    ${pkgs.apacheHttpd}/bin/htpasswd -b -c /var/lib/nginx/htpasswd viewer viewer-blind-pw
  '';
}
