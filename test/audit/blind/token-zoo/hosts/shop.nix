{ config, ... }:
{
  services.shop.settings = {
    stripe.publishable_key = "pk_live_{{blind:alnum:24}}";
    stripe.secret_key = "{{fake:stripe}}";
    maps.mapbox_token = "pk.eyJ1IjoiYmxpbmQiLCJhIjoiY2xibGluZDAwMDAwMDAwMDAwMDAwMDAifQ.{{blind:b64url:22}}";
    firebase.apiKey = "AIza{{blind:alnum:35}}";
    firebase.projectId = "shop-blind";
    session.secret = "{{blind:hex:64}}";
  };
}
