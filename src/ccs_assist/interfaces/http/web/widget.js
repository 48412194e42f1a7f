/* ccs-assist widget: one script tag puts the chat on a help desk's own page.
 *
 *   <script src="https://help.example.org/widget.js" defer
 *           data-title="Ask about CCS" data-accent="#1f4e9c" data-accent-text="#ffffff"
 *           data-person-url="https://help.example.org/contact"></script>
 *
 * It adds a button at the bottom right that opens the chat in a panel. The chat lives in a
 * shadow root, so the page's styles and the chat's do not mix. It talks to the server the script
 * came from (data-api overrides that). Plain JS, no build, no CDN. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var data = script.dataset;
  var origin = new URL(script.src, document.baseURI).origin;
  var api = data.api || origin;
  var title = data.title || "Ask about CCS and the IEP";

  function start() {
    var host = document.createElement("div");
    host.className = "ccs-assist-widget";
    document.body.appendChild(host);
    var shadow = host.attachShadow({ mode: "open" });
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = origin + "/static/chat.css";
    shadow.appendChild(css);

    var launcher = document.createElement("button");
    launcher.type = "button";
    launcher.className = "ccs-launcher";
    launcher.textContent = data.buttonLabel || title;
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "ccs-panel");
    var panel = document.createElement("div");
    panel.className = "ccs-panel";
    panel.id = "ccs-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", title);
    panel.hidden = true;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "ccs-close";
    close.textContent = "Close";
    close.setAttribute("aria-label", "Close the chat");
    var body = document.createElement("div");
    body.style.height = "100%";
    panel.append(body, close);
    shadow.append(launcher, panel);
    [launcher, panel].forEach(function (node) {
      if (data.accent && CSS.supports("color", data.accent)) node.style.setProperty("--ccs-accent", data.accent);
      if (data.accentText && CSS.supports("color", data.accentText)) node.style.setProperty("--ccs-accent-text", data.accentText);
    });

    var chat = null;
    function open() {
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      if (!chat) {
        chat = window.CcsAssist.mount(body, {
          api: api, title: title, personUrl: data.personUrl, personLabel: data.personLabel,
          accent: data.accent, accentText: data.accentText,
        });
      }
      chat.input.focus();
    }
    function hide() {
      panel.hidden = true;
      launcher.setAttribute("aria-expanded", "false");
      launcher.focus();
    }
    launcher.addEventListener("click", function () { panel.hidden ? open() : hide(); });
    close.addEventListener("click", hide);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") hide();
    });
  }

  function whenReady() {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
  if (window.CcsAssist && window.CcsAssist.mount) { whenReady(); return; }
  var loader = document.createElement("script");
  loader.src = origin + "/static/chat.js";
  loader.onload = whenReady;
  document.head.appendChild(loader);
})();
