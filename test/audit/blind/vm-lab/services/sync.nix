{ ... }:
{
  services.syncthing = {
    enable = true;
    guiAddress = "0.0.0.0:8384";
    overrideDevices = false;
    settings = {
      gui = {
        user = "ada";
        password = "gui-pass-blind";
      };
      devices = {
        laptop.id = "ABCDEFG-HIJKLMN-OPQRSTU-VWXYZ23-4567ABC-DEFGHIJ-KLMNOPQ-RSTUVWX";
        phone.id = "BCDEFGH-IJKLMNO-PQRSTUV-WXYZ234-567ABCD-EFGHIJK-LMNOPQR-STUVWXY";
      };
    };
  };
}
