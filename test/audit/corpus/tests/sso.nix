# VM test for the SSO stack with throwaway credentials (low severity at most)
import ./make-test-python.nix ({ pkgs, lib, ... }: {
  name = "sso";
  nodes.server = { config, ... }: {
    services.lldap = {
      enable = true;
      settings.ldap_user_pass = "test-admin-password"; # expect: secret-option-literal@low
      settings.jwt_secret = "test-jwt-secret-0123"; # expect: secret-option-literal@low
    };
    environment.etc."lldap/token".text = "{{fake:jwt}}"; # expect: jwt@low
  };
  nodes.client = { ... }: {
    users.users.tester = { isNormalUser = true; password = "tester"; }; # expect: plaintext-password@low
  };
  testScript = ''
    server.wait_for_unit("lldap.service")
    client.succeed("ldapsearch -H ldap://server -D uid=admin,ou=people,dc=example,dc=com -w test-admin-password -b dc=example,dc=com")
  '';
})
