{ pkgs, ... }:
pkgs.testers.runNixOSTest {
  name = "music-basic";
  nodes.machine = { ... }: {
    imports = [ ../module.nix ];
    services.music.enable = true;
    services.music.settings.secretKey = "test-secret-key-not-real";
  };
  testScript = ''
    machine.wait_for_unit("music.service")
    machine.succeed("music-manage createsuperuser --username tester --email t@example.com --password teast1997 --noinput")
  '';
}
