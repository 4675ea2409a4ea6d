{ pkgs, ... }: {
  nodes = {
    alpha = { pkgs, lib, ... }: {
      services.openssh.enable = true;
      users.users.root.password = "nixos";
      services.openssh.settings.PermitRootLogin = lib.mkDefault "yes";
      services.getty.autologinUser = lib.mkDefault "root";
    };
    beta = { ... }: { users.users.root.password = "nixos"; };
  };
  testScript = ''
    alpha.succeed("true")
    beta.succeed("ping -c1 alpha")
  '';
}
