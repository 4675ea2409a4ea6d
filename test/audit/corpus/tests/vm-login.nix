# VM test: throwaway passwords inside a test are expected; reported at low severity.
{ pkgs }:

pkgs.testers.runNixOSTest {
  name = "login";
  nodes.machine = { ... }: {
    users.users.alice = {
      isNormalUser = true;
      initialPassword = "foobar"; # expect: plaintext-password@low
    };
    services.getty.autologinUser = "alice";
  };
  testScript = ''
    machine.wait_for_unit("multi-user.target")
    machine.wait_until_tty_matches("1", "login: ")
    machine.send_chars("alice\n")
    machine.send_chars("foobar\n")
    machine.wait_until_succeeds("pgrep -u alice bash")
  '';
}
