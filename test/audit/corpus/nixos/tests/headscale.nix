# nixpkgs-style VM test (nixos/tests/): fixtures are reported at low severity
import ./make-test-python.nix ({ pkgs, lib, ... }:
let
  tls-cert = pkgs.runCommand "selfSignedCerts" { buildInputs = [ pkgs.openssl ]; } ''
    openssl req -x509 -newkey rsa:4096 -sha256 -days 365 -nodes -out cert.pem -keyout key.pem -subj '/CN=headscale'
    mkdir -p $out && cp key.pem cert.pem $out
  '';
in {
  name = "headscale";
  nodes = {
    peer1 = { ... }: {
      services.tailscale.enable = true;
      services.tailscale.authKeyFile = pkgs.writeText "authkey" "{{fake:tailscale}}"; # expect: tailscale-auth-key@low
    };
    headscale = { ... }: {
      services.headscale = {
        enable = true;
        settings.noise.private_key_path = "/var/lib/headscale/noise_private.key";
        settings.database.postgres.password_file = "/run/secrets/pg";
      };
      security.pki.certificateFiles = [ "${tls-cert}/cert.pem" ];
      services.nginx.virtualHosts.headscale.sslCertificateKey = "${tls-cert}/key.pem";
    };
  };
  testScript = ''
    start_all()
    headscale.wait_for_unit("headscale")
    peer1.succeed("tailscale up --login-server https://headscale --auth-key tskey-test")
  '';
})
