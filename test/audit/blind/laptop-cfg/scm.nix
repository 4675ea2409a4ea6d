{ pkgs, ... }:
{
  environment.etc."gitconfig".text = ''
    [user]
      name = Jo
      email = jo@mail.example
      signingkey = 0x3AA5C34371567BD2
    [credential]
      helper = store
    [url "git@github.com:"]
      insteadOf = https://github.com/
  '';
}
