{ ... }:
let
  localProvider = host: {
    baseUrl = "http://${host}:8000/v1";
    api = "openai-completions";
    apiKey = "dummy";
  };
in {
  home-manager.users.me.programs.assistant.providers = {
    gpu-box = localProvider "gpu-box.lan";
    laptop = localProvider "127.0.0.1" // { apiKey = "unused"; };
  };
}
