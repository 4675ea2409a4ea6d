import <nixpkgs/nixos/tests/make-test-python.nix> {
  nodes.machine = { pkgs, ... }: {
    users.mutableUsers = false;
    users.users.user = {
      isNormalUser = true;
      extraGroups = [ "wheel" ];
      password = "password";
    };
  };
  testScript = ''
    machine.wait_until_tty_matches("1", "login: ")
    machine.send_chars("user\n")
    machine.wait_until_tty_matches("1", "Password: ")
    machine.send_chars("password\n")
  '';
}
