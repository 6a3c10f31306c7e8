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

// Keys go to the board at once, without a first click into the page (and again whenever
// the tab comes back to the front).
function focusBoard() {
  var input = document.querySelector("#terminal .xterm-helper-textarea");
  if (input) {
    input.focus();
  }
}
window.addEventListener("load", function () {
  window.setTimeout(focusBoard, 0);
});
window.addEventListener("focus", focusBoard);
