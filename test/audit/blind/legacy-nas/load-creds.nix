# creds.nix is gitignored; a fresh checkout still evaluates with blanks.
if builtins.pathExists ./creds.nix then import ./creds.nix else {
  ghTokenA = "";
  ghTokenB = "";
  snmpCommunity = "";
  rootHash = "";
  wlanPass = "";
  oauth = { clientID = ""; clientSecret = ""; };
}
