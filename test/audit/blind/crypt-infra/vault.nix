# Everything under vault/ is git-crypt encrypted; see README.
let
  probe = builtins.hashFile "sha256" ./vault/probe;
  wanted = "3f1c9a0d5b7e2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a";
in
assert probe == wanted || abort "vault is locked, run git-crypt unlock";
{
  offsite = {
    target = "sftp:backup@offsite.example:/srv/restic";
    passphrase = import ./vault/offsite-passphrase.nix;
    hostKeyPub = ./vault/offsite-host.pub;
  };
  builder = {
    pub = builtins.readFile ./vault/builder-ssh.pub;
    priv = builtins.readFile ./vault/builder-ssh;
  };
  githubToken = builtins.readFile ./vault/github-token;
  dashboardKey = builtins.readFile ./vault/dashboard-secret-key;
  shareAuth = builtins.readFile ./vault/share-password;
  scrapeAuth = builtins.readFile ./vault/scrape-password;
  rootHash = builtins.readFile ./vault/root-hash;
  torrentRpc = builtins.readFile ./vault/torrent-rpc-password;
  vpn = import ./vault/vpn.nix;
  ssoKey = builtins.readFile ./vault/sso-signing-key;
}
