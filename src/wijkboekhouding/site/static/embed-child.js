/* Inside an embed: tell the page that embeds us how tall we are (only a number is sent). */
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  var send = function () {
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h !== last) {
      last = h;
      window.parent.postMessage({ type: "wijkboekhouding-hoogte", hoogte: h }, "*");
    }
  };
  if (window.ResizeObserver) new ResizeObserver(send).observe(document.documentElement);
  window.addEventListener("load", send);
  document.addEventListener("toggle", send, true);
  send();
})();
