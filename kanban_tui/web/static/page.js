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
  // textual.js starts the terminal in window.onload; start it once the local font is in,
  // so xterm measures its cells once (a late font would resize it while connecting)
  var start = window.onload;
  if (typeof start === "function" && document.fonts) {
    window.onload = function (event) {
      var size = terminal.dataset.fontSize || "16";
      Promise.all([
        document.fonts.load(size + "px 'Roboto Mono'"),
        document.fonts.load("bold " + size + "px 'Roboto Mono'"),
        document.fonts.load("italic " + size + "px 'Roboto Mono'"),
      ])
        .catch(function () {})
        .then(function () {
          start.call(window, event);
        });
    };
  }
});

// Keys go to the board at once, without a first click into the page (and again whenever
// the tab comes back to the front).
function focusBoard() {
  var input = document.querySelector("#terminal .xterm-helper-textarea");
  if (input) {
    input.focus();
  }
}
window.addEventListener("focus", function () {
  if (document.body.classList.contains("-loaded")) {
    focusBoard();
  }
});
// textual.js marks the body "-loaded" when the websocket is open; focusing earlier would
// make it send on a socket that is still connecting
new MutationObserver(function (changes, observer) {
  if (document.body.classList.contains("-loaded")) {
    observer.disconnect();
    focusBoard();
  }
}).observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ["class"] });
