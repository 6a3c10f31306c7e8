// seller-kanban serve: wires the page before textual.js connects (it reads the terminal's
// data attributes in window.onload). The websocket URL is derived from the page's own
// address, so the page works on any host name, under TLS (wss:) and under a proxy prefix.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var terminal = document.getElementById("terminal");
  var url = new URL("ws", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.search = "";
  url.hash = "";
  terminal.dataset.sessionWebsocketUrl = url.href;
  document.getElementById("reconnect").addEventListener("click", function () {
    window.location.reload();
  });
});
