/* ccs-assist chat: the page at / and the widget share this file. Plain JS, no build, no CDN.
 * Every piece of answer text is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  var STEPS = [
    ["age", "Age (under 21)"],
    ["residence", "Lives in a California county"],
    ["income", "Income or Medi-Cal"],
    ["condition", "A CCS medical condition"],
  ];
  var STEP_OF = { age: "age", residence: "residence", medi_cal: "income", income: "income",
    cost: "income", condition: "condition" };
  var STATUS = { met: "met", not_met: "not met", unknown: "the county will check" };
  var counter = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeUrl(url) {
    return typeof url === "string" && /^(https?:\/\/|mailto:|tel:|\/(?!\/))/i.test(url) ? url : null;
  }

  function mount(root, options) {
    options = options || {};
    var api = (options.api || "").replace(/\/+$/, "");
    var title = options.title || "Ask about CCS and the IEP";
    var id = "ccs" + (++counter);
    var session = null;
    var busy = false;

    var box = el("section", "ccs-chat");
    box.setAttribute("aria-labelledby", id + "-title");
    if (options.accent && window.CSS && CSS.supports("color", options.accent)) {
      box.style.setProperty("--ccs-accent", options.accent);
    }
    if (options.accentText && window.CSS && CSS.supports("color", options.accentText)) {
      box.style.setProperty("--ccs-accent-text", options.accentText);
    }
    var heading = el(options.headingLevel === 1 ? "h1" : "h2", "ccs-title", title);
    heading.id = id + "-title";
    var log = el("div", "ccs-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-label", "Conversation");
    log.tabIndex = 0;
    log.appendChild(el("p", "ccs-hello",
      "Ask about California Children's Services (CCS), its Medical Therapy Program, or " +
      "therapy in your child's IEP. For example: \u201cIs cerebral palsy covered by CCS?\u201d"));
    var status = el("p", "ccs-sr");
    status.setAttribute("role", "status");

    var form = el("form", "ccs-form");
    form.setAttribute("novalidate", "");
    var label = el("label", null, "Your question");
    label.htmlFor = id + "-q";
    var input = el("textarea");
    input.id = id + "-q";
    input.name = "question";
    input.rows = 2;
    input.maxLength = 2000;
    input.setAttribute("autocomplete", "off");
    var send = el("button", "ccs-send", "Ask");
    send.type = "submit";
    form.append(label, input, send);

    var foot = el("div", "ccs-foot");
    foot.appendChild(el("p", null, "Information, not legal advice."));
    var person = safeUrl(options.personUrl);
    if (person) {
      var personLink = el("a", "ccs-person", options.personLabel || "Talk to a person");
      personLink.href = person;
      if (/^https?:/i.test(person)) { personLink.target = "_blank"; personLink.rel = "noopener"; }
      foot.appendChild(personLink);
    }
    var reset = el("button", "ccs-reset", "Start over");
    reset.type = "button";
    foot.appendChild(reset);

    box.append(heading, log, status, form, foot);
    root.replaceChildren(box);

    function scrollDown() { log.scrollTop = log.scrollHeight; }

    function notice(text, isError) {
      var p = el("p", "ccs-notice" + (isError ? " ccs-error" : ""), text);
      log.appendChild(p);
      scrollDown();
      return p;
    }

    async function call(method, path, body) {
      var init = { method: method, headers: {} };
      if (body !== undefined) {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      var response = await fetch(api + path, init);
      var data = null;
      if (response.status !== 204) {
        try { data = await response.json(); } catch (e) { data = null; }
      }
      return { status: response.status, data: data };
    }

    async function newSession() {
      var r = await call("POST", "/v1/sessions");
      if (r.status !== 201) throw r;
      session = r.data.session_id;
    }

    async function askServer(question) {
      if (!session) await newSession();
      var r = await call("POST", "/v1/ask", { question: question, session_id: session });
      if (r.status === 404) {
        session = null;
        notice("This conversation had expired, so I started a new one. I no longer remember " +
          "what you told me before; please mention your child's condition again if it matters.");
        await newSession();
        r = await call("POST", "/v1/ask", { question: question, session_id: session });
      }
      return r;
    }

    function sources(bubble, answer) {
      var all = (answer.citations || []).concat(answer.more_citations || []);
      if (!all.length) return;
      bubble.appendChild(el("p", "ccs-h", "Sources"));
      function list(items) {
        var ul = el("ul", "ccs-sources");
        items.forEach(function (c) {
          var li = el("li");
          var name = c.title + (c.section ? ", " + c.section : "");
          var url = safeUrl(c.url);
          if (url && /^https?:/i.test(url)) {
            var a = el("a", null, name);
            a.href = url;
            a.target = "_blank";
            a.rel = "noopener noreferrer";
            li.appendChild(a);
          } else {
            li.textContent = name;
          }
          ul.appendChild(li);
        });
        return ul;
      }
      bubble.appendChild(list(all.slice(0, 3)));
      if (all.length > 3) {
        var fold = el("details", "ccs-fold");
        fold.appendChild(el("summary", null, "More sources (" + (all.length - 3) + ")"));
        fold.appendChild(list(all.slice(3)));
        bubble.appendChild(fold);
      }
    }

    function screener(bubble, state) {
      if (!state || typeof state !== "object") return;
      bubble.appendChild(el("p", "ccs-h", state.done ? "Eligibility check: finished" :
        "Eligibility check, step by step"));
      var ol = el("ol", "ccs-steps");
      ol.setAttribute("aria-label", "Eligibility check");
      var results = state.results || {};
      var now = state.done ? null : STEP_OF[state.step];
      STEPS.forEach(function (step) {
        var result = results[step[0]];
        var text = step[1] + ": ";
        var li = el("li");
        if (result) {
          text += STATUS[result] || result;
          li.className = "ccs-step-" + result;
        } else if (step[0] === now) {
          text += "asking now";
          li.className = "ccs-step-now";
          li.setAttribute("aria-current", "step");
        } else {
          text += "not asked yet";
        }
        li.textContent = text;
        ol.appendChild(li);
      });
      bubble.appendChild(ol);
    }

    function choices(bubble, heading, items, onPick) {
      if (!items || !items.length) return;
      bubble.appendChild(el("p", "ccs-h", heading));
      var ul = el("ul", "ccs-choices");
      items.forEach(function (text, i) {
        var li = el("li");
        var b = el("button", "ccs-choice", text);
        b.type = "button";
        b.addEventListener("click", function () { onPick(text, i); });
        li.appendChild(b);
        ul.appendChild(li);
      });
      bubble.appendChild(ul);
    }

    function showAnswer(answer) {
      var bubble = el("article", "ccs-msg ccs-bot");
      bubble.setAttribute("aria-label", "Answer");
      bubble.appendChild(el("p", "ccs-answer", answer.answer));
      screener(bubble, answer.screener);
      if (answer.detail) {
        var more = el("button", "ccs-more", "Tell me more");
        more.type = "button";
        var detail = el("p", "ccs-detail", answer.detail);
        detail.id = id + "-d" + log.childElementCount;
        detail.hidden = true;
        more.setAttribute("aria-expanded", "false");
        more.setAttribute("aria-controls", detail.id);
        more.addEventListener("click", function () {
          var open = detail.hidden;
          detail.hidden = !open;
          more.setAttribute("aria-expanded", String(open));
          more.textContent = open ? "Show less" : "Tell me more";
        });
        bubble.append(more, detail);
      }
      choices(bubble, "Choose one:", answer.clarify, function (text, i) {
        ask(String(i + 1), text);
      });
      sources(bubble, answer);
      if (answer.fallback && answer.referrals && answer.referrals.length) {
        bubble.appendChild(el("p", "ccs-h", "Who can help"));
        var ul = el("ul", "ccs-sources");
        answer.referrals.forEach(function (r) {
          ul.appendChild(el("li", null, r.name + (r.phone ? ", " + r.phone : "")));
        });
        bubble.appendChild(ul);
      }
      choices(bubble, "You could also ask:", answer.follow_ups, function (text) { ask(text); });
      log.appendChild(bubble);
    }

    async function ask(question, shown) {
      question = (question || "").trim();
      if (!question || busy) return;
      busy = true;
      send.disabled = true;
      var mine = el("div", "ccs-msg ccs-user");
      mine.appendChild(el("span", "ccs-sr", "You asked: "));
      mine.appendChild(el("p", null, shown || question));
      log.appendChild(mine);
      scrollDown();
      status.textContent = "Looking that up\u2026";
      try {
        var r = await askServer(question);
        if (r.status === 200 && r.data) {
          showAnswer(r.data);
          // The question at the top, so the short answer is read first, not the sources.
          log.scrollTop = Math.max(0, mine.offsetTop - log.offsetTop - 8);
          status.textContent = "";
        } else {
          var why = r.data && r.data.detail ? r.data.detail : "The server answered " + r.status + ".";
          notice("Sorry, I could not answer that: " + why, true);
          status.textContent = "";
        }
      } catch (e) {
        var detail = e && e.data && e.data.detail ? e.data.detail : "please check your connection.";
        notice("Sorry, something went wrong: " + detail, true);
        status.textContent = "";
      } finally {
        busy = false;
        send.disabled = false;
        input.focus();
      }
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var question = input.value;
      if (!question.trim()) { input.focus(); return; }
      input.value = "";
      ask(question);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
      }
    });
    reset.addEventListener("click", async function () {
      var old = session;
      session = null;
      log.replaceChildren(el("p", "ccs-hello", "New conversation. What would you like to know?"));
      input.focus();
      if (old) { try { await call("DELETE", "/v1/sessions/" + encodeURIComponent(old)); } catch (e) { /* gone */ } }
    });
    return { ask: ask, input: input };
  }

  window.CcsAssist = window.CcsAssist || {};
  window.CcsAssist.mount = mount;

  var script = document.currentScript;
  if (script && script.dataset.mount) {
    var start = function () {
      var root = document.querySelector(script.dataset.mount);
      if (!root) return;
      mount(root, {
        title: root.dataset.title,
        personUrl: root.dataset.personUrl,
        personLabel: root.dataset.personLabel,
        accent: root.dataset.accent,
        accentText: root.dataset.accentText,
        headingLevel: 1,
      });
      var q = root.querySelector("textarea");
      if (q) q.focus();
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})();
