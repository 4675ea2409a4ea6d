{ lib, pkgs, ... }:
let
  user = "alice";
  jid = "${user}@example.org";
  pw = "foobar-test";
  addUser = pkgs.writeShellApplication {
    name = "add-test-user";
    runtimeInputs = [ pkgs.prosody ];
    text = ''
      exec prosodyctl adduser ${jid} <<EOF
      ${pw}
      ${pw}
      EOF
    '';
  };
in {
  name = "chat-backend";
  nodes.server = { ... }: {
    services.prosody.enable = true;
    environment.systemPackages = [ addUser ];
  };
  testScript = ''
    server.wait_for_unit("prosody.service")
    server.succeed("add-test-user")
  '';
}
