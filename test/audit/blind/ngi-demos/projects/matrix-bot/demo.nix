# A demo server for the bot's VM test and for people trying it out locally.
{ ... }:
{
  services.matrix-synapse = {
    enable = true;
    settings = {
      database.name = "sqlite3";
      # do NOT do this in production
      registration_shared_secret = "demo-registration-secret";
      listeners = [{ port = 8008; bind_addresses = [ "::1" ]; resources = [{ names = [ "client" ]; }]; }];
    };
  };
}
