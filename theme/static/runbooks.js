// Runbooks: progressive enhancements for the on-call reading experience.
// Every page is complete without this script. It adds copy buttons that
// copy exactly the command, command parameters kept in the link, clickable
// checklists remembered per page, the colour-scheme toggle and search.
// It uses no inline script or style, so a strict Content-Security-Policy
// holds, and builds every element from text, never from HTML strings.
(function () {
  "use strict";

  var doc = document;
  var root = doc.documentElement;
  var siteRoot = root.getAttribute("data-root") || "";
  var absoluteLinks = siteRoot.charAt(0) === "/";
  var main = doc.getElementById("main");
  var content = doc.querySelector("main .content") || main;

  function $(sel, scope) { return (scope || doc).querySelector(sel); }
  function $$(sel, scope) { return Array.prototype.slice.call((scope || doc).querySelectorAll(sel)); }

  // el creates an element with attributes and children (strings become
  // text nodes).
  function el(tag, attrs) {
    var e = doc.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === "") continue;
      e.appendChild(typeof c === "string" ? doc.createTextNode(c) : c);
    }
    return e;
  }

  var store = {
    get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode: not remembered */ } },
    del: function (k) { try { localStorage.removeItem(k); } catch (e) { /* ignore */ } }
  };

  // A polite live region for what screen-reader users should hear: a copy,
  // a reset, the number of search results.
  var live = el("div", { "class": "visually-hidden", role: "status", "aria-live": "polite" });
  doc.body.appendChild(live);
  var liveTimer = 0;
  function announce(msg) {
    clearTimeout(liveTimer);
    live.textContent = "";
    liveTimer = setTimeout(function () { live.textContent = msg; }, 60);
  }

  function svg(path) {
    var ns = "http://www.w3.org/2000/svg";
    var s = doc.createElementNS(ns, "svg");
    s.setAttribute("viewBox", "0 0 16 16");
    s.setAttribute("aria-hidden", "true");
    s.setAttribute("focusable", "false");
    var p = doc.createElementNS(ns, "path");
    p.setAttribute("d", path);
    s.appendChild(p);
    return s;
  }
  var ICON = {
    copy: "M0 6.75C0 5.78.78 5 1.75 5h1.5a.75.75 0 0 1 0 1.5h-1.5a.25.25 0 0 0-.25.25v7.5c0 .14.11.25.25.25h7.5a.25.25 0 0 0 .25-.25v-1.5a.75.75 0 0 1 1.5 0v1.5A1.75 1.75 0 0 1 9.25 16h-7.5A1.75 1.75 0 0 1 0 14.25ZM5 1.75C5 .78 5.78 0 6.75 0h7.5C15.22 0 16 .78 16 1.75v7.5A1.75 1.75 0 0 1 14.25 11h-7.5A1.75 1.75 0 0 1 5 9.25Zm1.75-.25a.25.25 0 0 0-.25.25v7.5c0 .14.11.25.25.25h7.5a.25.25 0 0 0 .25-.25v-7.5a.25.25 0 0 0-.25-.25Z",
    check: "M13.78 4.22a.75.75 0 0 1 0 1.06l-7.25 7.25a.75.75 0 0 1-1.06 0L2.22 9.28a.75.75 0 0 1 1.06-1.06L6 10.94l6.72-6.72a.75.75 0 0 1 1.06 0Z",
    moon: "M9.6 1.1a.75.75 0 0 1 .2.8 5.5 5.5 0 0 0 6.2 7.2.75.75 0 0 1 .9.8A7.5 7.5 0 1 1 8.8.9a.75.75 0 0 1 .8.2ZM7.6 2.6a6 6 0 1 0 6.8 8A7 7 0 0 1 7.6 2.6Z",
    sun: "M8 12a4 4 0 1 1 0-8 4 4 0 0 1 0 8Zm0-1.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5Zm5.66-8.16a.75.75 0 0 1 0 1.06l-1.06 1.06a.75.75 0 1 1-1.06-1.06l1.06-1.06a.75.75 0 0 1 1.06 0Zm-9.2 9.2a.75.75 0 0 1 0 1.06l-1.06 1.06a.75.75 0 1 1-1.06-1.06l1.06-1.06a.75.75 0 0 1 1.06 0ZM8 0a.75.75 0 0 1 .75.75v1.5a.75.75 0 0 1-1.5 0V.75A.75.75 0 0 1 8 0Zm0 13a.75.75 0 0 1 .75.75v1.5a.75.75 0 0 1-1.5 0v-1.5A.75.75 0 0 1 8 13ZM2.34 2.34a.75.75 0 0 1 1.06 0l1.06 1.06a.75.75 0 0 1-1.06 1.06L2.34 3.4a.75.75 0 0 1 0-1.06Zm9.2 9.2a.75.75 0 0 1 1.06 0l1.06 1.06a.75.75 0 1 1-1.06 1.06l-1.06-1.06a.75.75 0 0 1 0-1.06ZM16 8a.75.75 0 0 1-.75.75h-1.5a.75.75 0 0 1 0-1.5h1.5A.75.75 0 0 1 16 8ZM3 8a.75.75 0 0 1-.75.75H.75a.75.75 0 0 1 0-1.5h1.5A.75.75 0 0 1 3 8Z",
    link: "m7.78 3.84 1.25-1.25a3.5 3.5 0 0 1 4.95 4.95l-2.5 2.5a3.5 3.5 0 0 1-4.95 0 .75.75 0 0 1 1.06-1.06 2 2 0 0 0 2.83 0l2.5-2.5a2 2 0 0 0-2.83-2.83L8.84 4.9a.75.75 0 0 1-1.06-1.06Zm-4.69 9.64a2 2 0 0 0 2.83 0l1.25-1.25a.75.75 0 0 1 1.06 1.06l-1.25 1.25a3.5 3.5 0 0 1-4.95-4.95l2.5-2.5a3.5 3.5 0 0 1 4.95 0 .75.75 0 0 1-1.06 1.06 2 2 0 0 0-2.83 0l-2.5 2.5a2 2 0 0 0 0 2.83Z"
  };

  // ---- Clipboard -----------------------------------------------------------

  // copyText puts text on the clipboard: the asynchronous Clipboard API
  // where the page may use it, else a hidden text area and execCommand,
  // which also works from file:// and plain http.
  function copyText(text) {
    function fallback() {
      var active = doc.activeElement;
      var ta = el("textarea", { "class": "clip-buffer visually-hidden", readonly: "", "aria-hidden": "true", tabindex: "-1" });
      ta.value = text;
      doc.body.appendChild(ta);
      ta.select();
      var ok = false;
      try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
      ta.remove();
      if (active && active.focus) active.focus();
      return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
    }
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(fallback);
    }
    return fallback();
  }

  // ---- Colour scheme ---------------------------------------------------------

  var header = $(".header-inner");
  function setupTheme() {
    if (!header) return;
    var dark = window.matchMedia("(prefers-color-scheme: dark)");
    var icon = el("span", { "class": "theme-icon" });
    var btn = el("button", { type: "button", "class": "btn theme-toggle", "aria-pressed": "false" },
      icon, el("span", { "class": "theme-label" }, "Dark mode"));
    function current() { return root.getAttribute("data-theme") || (dark.matches ? "dark" : "light"); }
    function show() {
      var isDark = current() === "dark";
      btn.setAttribute("aria-pressed", isDark ? "true" : "false");
      btn.title = isDark ? "Switch to the light colour scheme" : "Switch to the dark colour scheme";
      icon.replaceChildren(svg(isDark ? ICON.moon : ICON.sun));
    }
    btn.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      store.set("runbooks-theme", next);
      show();
    });
    if (dark.addEventListener) dark.addEventListener("change", show);
    header.appendChild(el("div", { "class": "header-tools" }, btn));
    show();
  }

  // ---- Navigation ------------------------------------------------------------

  // The navigation is a <details> element: closed on phones, where its
  // summary opens it, and always open beside the page on wide screens.
  function setupNav() {
    var drawer = $(".nav-drawer");
    if (!drawer) return;
    var wide = window.matchMedia("(min-width: 64em)");
    function sync() { drawer.open = wide.matches; }
    sync();
    if (wide.addEventListener) wide.addEventListener("change", sync);
    var cur = $('[aria-current="page"]', drawer);
    if (cur && wide.matches && drawer.scrollHeight > drawer.clientHeight) {
      drawer.scrollTop = Math.max(0, cur.offsetTop - drawer.clientHeight / 3);
    }
  }

  // The contents start folded above the text, so that the first command
  // is on the first screen; on a wide screen they are a column beside it
  // that follows the scroll and marks the section being read.
  function setupTOC() {
    var toc = $(".page-aside .toc-details");
    if (!toc) return;
    var wide = window.matchMedia("(min-width: 75em)");
    function sync() { toc.open = wide.matches; }
    sync();
    if (wide.addEventListener) wide.addEventListener("change", sync);
    var links = $$("a", toc);
    var heads = links.map(function (a) { return doc.getElementById(decodeURIComponent(a.hash.slice(1))); });
    if (!window.IntersectionObserver || heads.indexOf(null) >= 0) return;
    function mark() {
      var cur = 0;
      heads.forEach(function (h, i) { if (h.getBoundingClientRect().top < window.innerHeight / 3) cur = i; });
      links.forEach(function (a, i) { a.classList.toggle("is-current", i === cur); });
    }
    var io = new IntersectionObserver(mark, { rootMargin: "0px 0px -60% 0px" });
    heads.forEach(function (h) { io.observe(h); });
  }

  // ---- Tables ----------------------------------------------------------------

  // Wide tables scroll inside their own box, which can take focus so that
  // keyboard users can scroll it too.
  function setupTables() {
    $$("table", content).forEach(function (t, i) {
      if (t.parentNode.classList.contains("table-wrap")) return;
      var wrap = el("div", { "class": "table-wrap", role: "region", tabindex: "0", "aria-label": "Table " + (i + 1) });
      t.parentNode.insertBefore(wrap, t);
      wrap.appendChild(t);
    });
  }

  // ---- Code blocks -------------------------------------------------------------

  var SESSION = { console: 1, "shell-session": 1, "sh-session": 1, shellsession: 1, "bash-session": 1 };
  // A shell prompt: "$ ", "# ", "% ", optionally after "user@host:path" or
  // "[user@host dir]" and a "(venv) ".
  var PROMPT = /^(?:\([\w.-]+\)\s*)?(?:[\w.-]+@[\w.-]+(?::\S*?)?\s?|\[[^\]\n]*\]\s?)?[$#%]\s/;

  // sessionCommands returns the commands of a shell session: the lines
  // after a prompt, without it, with their "\" continuation lines, and
  // without output.
  function sessionCommands(text) {
    var out = [];
    var cont = false;
    var inCmd = false;
    text.split("\n").forEach(function (line) {
      if (cont) {
        out.push(line);
        cont = /\\$/.test(line);
        return;
      }
      var m = PROMPT.exec(line);
      if (m) {
        var cmd = line.slice(m[0].length);
        if (cmd.trim() !== "") out.push(cmd);
        cont = /\\$/.test(cmd);
        inCmd = true;
        return;
      }
      if (inCmd && /^> /.test(line)) { // secondary prompt: the command goes on
        out.push(line.slice(2));
        cont = /\\$/.test(line);
        return;
      }
      inCmd = false;
    });
    return out.join("\n");
  }

  function codeText(block) {
    var code = $("pre code", block) || $("pre", block);
    var text = code ? code.textContent : "";
    if (SESSION[block.getAttribute("data-lang")]) text = sessionCommands(text);
    return text.replace(/\s+$/, "");
  }

  // splitLines puts each line of a code element in a span.code-line, so that a
  // line too long for the box wraps behind a marker. A highlighted span
  // that goes on over a line end is split in two; the text, and so what
  // is copied, stays the same.
  function splitLines(code) {
    var out = doc.createDocumentFragment();
    var line, stack;
    function start(path) {
      line = el("span", { "class": "code-line" });
      out.appendChild(line);
      stack = [];
      path.forEach(function (orig) {
        var c = orig.cloneNode(false);
        (stack[stack.length - 1] || line).appendChild(c);
        stack.push(c);
      });
    }
    function top() { return stack[stack.length - 1] || line; }
    function walk(node, path) {
      Array.prototype.slice.call(node.childNodes).forEach(function (ch) {
        if (ch.nodeType === 3) {
          ch.data.split("\n").forEach(function (part, i) {
            if (i > 0) {
              top().appendChild(doc.createTextNode("\n"));
              start(path);
            }
            if (part) top().appendChild(doc.createTextNode(part));
          });
        } else if (ch.nodeType === 1) {
          var c = ch.cloneNode(false);
          top().appendChild(c);
          stack.push(c);
          walk(ch, path.concat([ch]));
          stack.pop();
        }
      });
    }
    start([]);
    walk(code, []);
    if (line.textContent === "" && out.childNodes.length > 1) out.removeChild(line);
    code.replaceChildren(out);
  }

  // Invisible characters a command must not carry to the terminal: a
  // zero-width character makes a copied name differ from the one typed, and
  // a bidirectional control can make a command run differently from how it
  // reads ("Trojan Source"). The build warns about both (hidden-characters).
  var ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
  var BIDI = /[\u202A-\u202E\u2066-\u2069]/;

  function setupCode() {
    $$(".code").forEach(function (block) {
      var pre = $("pre", block);
      if (!pre || $(".code-bar", block)) return;
      splitLines($("code", pre) || pre);
      var lang = block.getAttribute("data-lang") || "";
      var label = el("span", { "class": "copy-label" }, "Copy");
      var btn = el("button", { type: "button", "class": "btn copy-btn" }, svg(ICON.copy), label);
      if (SESSION[lang]) btn.title = "Copy the commands, without prompts or output";
      var bar = el("div", { "class": "code-bar" }, el("span", { "class": "code-lang" }, lang || "text"), btn);
      block.insertBefore(bar, pre);
      var timer = 0;
      var armed = false;
      var danger = block.classList.contains("destructive");
      function restore() {
        armed = false;
        btn.classList.remove("is-copied", "is-failed", "is-armed");
        btn.replaceChild(svg(ICON.copy), btn.firstChild);
        label.textContent = "Copy";
      }
      btn.addEventListener("click", function () {
        var text = codeText(block);
        // A code block with a bidirectional control is never copied.
        if (BIDI.test(text)) {
          done(false, "Not copied: hidden characters",
            "Not copied: this code holds invisible characters that change how it reads; the page's source must be fixed");
          return;
        }
        // A destructive command takes a second click, so that it is
        // never on the clipboard by accident.
        if (danger && !armed) {
          armed = true;
          btn.classList.add("is-armed");
          label.textContent = "Click again to copy";
          announce("Destructive command: press again to copy it");
          clearTimeout(timer);
          timer = setTimeout(restore, 5000);
          return;
        }
        armed = false;
        btn.classList.remove("is-armed");
        function done(ok, labelText, message) {
          if (ok) logAction("copy", block, text);
          btn.classList.toggle("is-copied", ok);
          btn.classList.toggle("is-failed", !ok);
          btn.replaceChild(svg(ok ? ICON.check : ICON.copy), btn.firstChild);
          label.textContent = labelText || (ok ? "Copied" : "Copy failed");
          announce(message || (ok ? (SESSION[lang] ? "Commands copied" : "Copied to the clipboard") : "Copy failed: select the text and copy it by hand"));
          clearTimeout(timer);
          timer = setTimeout(restore, 2000);
        }
        var hidden = (text.match(ZERO_WIDTH) || []).length;
        var clean = text.replace(ZERO_WIDTH, "");
        copyText(clean).then(function () {
          if (hidden) done(true, "Copied", "Copied, without " + hidden + (hidden === 1 ? " invisible character" : " invisible characters"));
          else done(true);
        }, function () { done(false); });
      });
    });
  }

  // ---- Parameters ------------------------------------------------------------

  // Only plain values are filled into commands: a link someone pastes must
  // not be able to smuggle "; rm -rf", $(...), an option ("--all") or an
  // SQL comment ("x--") into what is copied. Every value keeps to this
  // alphabet (the build's params.Safe) and to its var's kind or pattern,
  // which the build writes into data-pattern.
  var SAFE = /^[A-Za-z0-9._:\/@+=,-]{1,200}$/;
  var NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

  // fieldCheck returns the check of an input's value: true when the value
  // may be filled in (or is empty, leaving the var as it is).
  function fieldCheck(input) {
    var src = input.getAttribute("data-pattern");
    var own = null;
    if (src) {
      try { own = new RegExp(src); } catch (e) { own = /(?!)/; } // a pattern the browser cannot read accepts nothing
    }
    return function (v) {
      if (v === "") return true;
      return SAFE.test(v) && v.charAt(0) !== "-" && v.indexOf("--") < 0 && (!own || own.test(v));
    };
  }

  function textNodes(node) {
    var out = [];
    var w = doc.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (var n = w.nextNode(); n; n = w.nextNode()) out.push(n);
    return out;
  }

  function setupVars() {
    var form = $("form.vars");
    if (!form) return;
    var inputs = $$("input[name]", form).filter(function (i) { return NAME.test(i.name); });
    if (!inputs.length) return;
    var names = inputs.map(function (i) { return i.name; });
    var alt = names.join("|");
    // ${NAME:?message} is filled in too: the check asks for it where a
    // destructive command must not run with an empty value.
    var re = new RegExp("\\$\\{(" + alt + ")(?::?\\?[^}]*)?\\}|\\$(" + alt + ")(?![A-Za-z0-9_])", "g");

    // Each code element's text nodes and their original text: values are
    // always put into the original, so they can change again. Chroma
    // splits "${NAME}" over several spans, so matching works on the whole
    // text and edits the nodes it spans.
    var targets = [];
    $$("code", content).forEach(function (code) {
      var nodes = textNodes(code);
      var orig = nodes.map(function (n) { return n.data; });
      var full = orig.join("");
      re.lastIndex = 0;
      if (!re.test(full)) return;
      targets.push({ nodes: nodes, orig: orig, full: full, extra: [] });
      var block = code.closest(".code");
      if (block) block.classList.add("has-vars");
    });

    var params = new URLSearchParams(location.search);
    var checks = {};
    inputs.forEach(function (i) {
      if (params.has(i.name)) i.value = params.get(i.name);
      checks[i.name] = fieldCheck(i);
      var err = el("p", { "class": "var-error", id: "var-error-" + i.name, hidden: "" });
      i.parentNode.appendChild(err);
      i.setAttribute("aria-describedby", err.id);
    });

    // values returns the values to fill in, by name, and flags each field
    // whose value is refused, saying what it must be.
    function values() {
      var v = {};
      inputs.forEach(function (i) {
        var ok = checks[i.name](i.value);
        var err = doc.getElementById("var-error-" + i.name);
        i.setAttribute("aria-invalid", ok ? "false" : "true");
        err.hidden = ok;
        err.textContent = ok ? "" : "Not filled in: $" + i.name + " must be " + (i.getAttribute("data-says") || "letters, digits and . _ : / @ + = , - only");
        if (ok && i.value !== "") v[i.name] = i.value;
      });
      return v;
    }

    // apply fills the values into the commands. Each filled-in value is a
    // <mark class="var-value"> after the text node it replaces part of, so
    // the reader sees which parts came from the parameters (or the link);
    // what is copied is the same text. The marks of the last fill are
    // removed first, and the original text restored.
    function apply() {
      var v = values();
      targets.forEach(function (t) {
        var edits = [];
        var m;
        re.lastIndex = 0;
        while ((m = re.exec(t.full)) !== null) {
          var name = m[1] || m[2];
          if (Object.prototype.hasOwnProperty.call(v, name)) edits.push([m.index, m.index + m[0].length, v[name], name]);
        }
        var pos = 0;
        t.nodes.forEach(function (node, i) {
          (t.extra[i] || []).forEach(function (n) { n.remove(); });
          t.extra[i] = [];
          var start = pos, end = pos + t.orig[i].length, cur = start;
          var pieces = [];
          pos = end;
          edits.forEach(function (e) {
            if (e[1] <= start || e[0] >= end) return;
            if (e[0] >= start) {
              pieces.push(t.full.slice(cur, e[0]));
              pieces.push(el("mark", { "class": "var-value", "data-var": e[3], title: "Filled in: $" + e[3] }, e[2]));
            }
            cur = Math.min(e[1], end);
          });
          pieces.push(t.full.slice(cur, end));
          var first = pieces.shift();
          if (node.data !== first) node.data = first;
          var after = node;
          pieces.forEach(function (p) {
            if (p === "") return;
            var n = typeof p === "string" ? doc.createTextNode(p) : p;
            after.parentNode.insertBefore(n, after.nextSibling);
            t.extra[i].push(n);
            after = n;
          });
        });
      });
    }

    function link() {
      var url = new URL(location.href);
      inputs.forEach(function (i) {
        if (i.value === (i.getAttribute("data-default") || "")) url.searchParams.delete(i.name);
        else url.searchParams.set(i.name, i.value);
      });
      return url;
    }

    var fold = $(".vars-fold", form);
    function summary() {
      var bad = false;
      inputs.forEach(function (i) {
        var out = $('.vars-value[data-var="' + i.name + '"]', form);
        if (out) out.textContent = "$" + i.name + (i.value ? "=" + i.value : "");
        if (i.getAttribute("aria-invalid") === "true") bad = true;
      });
      if (bad && fold) fold.open = true;
    }
    form.addEventListener("input", function () {
      apply();
      summary();
      try { history.replaceState(history.state, "", link().href); } catch (e) { /* file:// may refuse */ }
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); });

    var copyLabel = el("span", {}, "Copy link with these values");
    var copyLink = el("button", { type: "button", "class": "btn vars-link" }, svg(ICON.link), copyLabel);
    copyLink.addEventListener("click", function () {
      copyText(link().href).then(function () {
        copyLabel.textContent = "Link copied";
        announce("Link copied");
      }, function () {
        copyLabel.textContent = "Copy failed";
      });
      setTimeout(function () { copyLabel.textContent = "Copy link with these values"; }, 2000);
    });
    $("fieldset", form).appendChild(el("div", { "class": "vars-actions" }, copyLink));
    apply();
    summary();
  }

  // ---- Incident timeline -----------------------------------------------------

  // Every copy and tick on a runbook is logged in this browser with its
  // time, so that "Copy timeline" can give the incident channel or the
  // postmortem a Markdown list of what was done, when, at which step.
  var pagePath = location.pathname.replace(/index\.html$/, "");
  var TIMELINE = "runbooks-timeline:" + pagePath;
  var timelineShown = null; // refreshes the timeline box, once it exists

  function timeline() {
    try { var t = JSON.parse(store.get(TIMELINE) || "[]"); return Array.isArray(t) ? t : []; } catch (e) { return []; }
  }

  // stepOf returns the text of the heading a node is under.
  function stepOf(node) {
    var hs = $$("h2, h3, h4", content), step = "";
    hs.forEach(function (h) {
      if (h.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING) step = h.textContent.replace(/#$/, "").trim();
    });
    return step;
  }

  function logAction(kind, node, text) {
    var t = timeline();
    t.push({ t: Date.now(), k: kind, s: stepOf(node), x: text });
    store.set(TIMELINE, JSON.stringify(t.slice(-500)));
    if (timelineShown) timelineShown();
  }

  function utc(ms) { return new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC"; }

  // timelineMarkdown returns the timeline as a Markdown list: time, step,
  // what was done; a command of several lines as a fenced block.
  var TICK = String.fromCharCode(96); // the backquote of Markdown code

  function timelineMarkdown(t) {
    var title = (($("main h1") || {}).textContent || doc.title).replace(/#$/, "").trim();
    var out = ["Timeline of “" + title + "” (" + location.href.split("?")[0].split("#")[0] + ")", ""];
    t.forEach(function (a) {
      var head = "- " + utc(a.t) + (a.s ? " · " + a.s : "") + " · ";
      if (a.k !== "copy") {
        out.push(head + (a.k === "tick" ? "ticked" : "unticked") + " “" + a.x + "”");
      } else if (a.x.indexOf("\n") < 0 && a.x.indexOf(TICK) < 0) {
        out.push(head + "copied " + TICK + a.x + TICK);
      } else {
        var fence = a.x.indexOf(TICK + TICK + TICK) < 0 ? TICK + TICK + TICK : "~~~~";
        out.push(head + "copied:");
        out.push("  " + fence);
        a.x.split("\n").forEach(function (l) { out.push("  " + l); });
        out.push("  " + fence);
      }
    });
    return out.join("\n") + "\n";
  }

  function setupTimeline() {
    if (!$(".runbook-meta")) return;
    var count = el("p", { "class": "timeline-count" });
    var copy = el("button", { type: "button", "class": "btn timeline-copy" }, svg(ICON.copy), el("span", {}, "Copy timeline"));
    var clear = el("button", { type: "button", "class": "btn timeline-clear" }, "Clear");
    var box = el("section", { "class": "timeline", "aria-labelledby": "timeline-title" },
      el("h2", { "class": "timeline-title", id: "timeline-title" }, "Incident timeline"), count,
      el("div", { "class": "timeline-actions" }, copy, clear));
    timelineShown = function () {
      var t = timeline();
      count.textContent = t.length ? t.length + (t.length === 1 ? " action" : " actions") + " since " + utc(t[0].t) + ", kept in this browser." :
        "Copies and ticks on this page are logged here, in this browser only.";
      clear.hidden = !t.length;
    };
    timelineShown();
    copy.addEventListener("click", function () {
      var label = copy.lastChild;
      copyText(timelineMarkdown(timeline())).then(function () {
        label.textContent = "Timeline copied";
        announce("Timeline copied as a Markdown list");
      }, function () { label.textContent = "Copy failed"; });
      setTimeout(function () { label.textContent = "Copy timeline"; }, 2000);
    });
    clear.addEventListener("click", function () {
      store.del(TIMELINE);
      timelineShown();
      announce("Timeline cleared");
    });
    // Beside the contents on a wide screen, after the text elsewhere.
    var aside = $(".page-aside");
    var wide = window.matchMedia("(min-width: 75em)");
    function place() {
      if (aside && wide.matches) aside.appendChild(box);
      else content.parentNode.insertBefore(box, content.nextSibling);
    }
    place();
    if (wide.addEventListener) wide.addEventListener("change", place);
  }

  // ---- Checklists --------------------------------------------------------------

  var BLOCK = /^(UL|OL|P|DIV|PRE|TABLE|BLOCKQUOTE|H[1-6])$/;
  // Ticks older than this are offered for reset: data-tick-expiry on the
  // root element, in seconds, set by the build.
  var TICK_MAX = (Number(root.getAttribute("data-tick-expiry")) || 86400) * 1000;

  // Ticks are kept by the item's text, with the time of the tick, so an
  // item added or moved above a ticked one does not take its tick.
  function setupChecklists() {
    var boxes = $$('input[type="checkbox"]', content);
    if (!boxes.length) return;
    var key = "runbooks-checklist:" + pagePath;
    var saved = {};
    try { saved = JSON.parse(store.get(key) || "{}"); } catch (e) { saved = {}; }
    if (!saved || typeof saved !== "object" || Array.isArray(saved)) saved = {};

    var lists = [];
    var seen = {};
    boxes.forEach(function (box) {
      box.disabled = false;
      box.removeAttribute("disabled");
      // The item's own text becomes the box's label: clicking it ticks the
      // box and screen readers read it with the box.
      var label = el("label", { "class": "check-item" });
      box.parentNode.insertBefore(label, box);
      for (var n = box; n && !(n.nodeType === 1 && BLOCK.test(n.nodeName));) {
        var next = n.nextSibling;
        label.appendChild(n);
        n = next;
      }
      var text = label.textContent.replace(/\s+/g, " ").trim();
      seen[text] = (seen[text] || 0) + 1;
      box.setAttribute("data-key", seen[text] > 1 ? text + " #" + seen[text] : text);
      var when = el("time", { "class": "tick-time" });
      label.parentNode.insertBefore(when, label.nextSibling);
      box.tickTime = when;
      var list = box.closest("ul, ol");
      for (var up = list; up && content.contains(up); up = up.parentNode.closest("ul, ol")) list = up;
      if (list && lists.indexOf(list) < 0) lists.push(list);
    });

    function show(box) {
      var t = saved[box.getAttribute("data-key")];
      box.checked = !!t;
      box.tickTime.textContent = t ? "ticked " + utc(t) : "";
      if (t) box.tickTime.setAttribute("datetime", new Date(t).toISOString()); else box.tickTime.removeAttribute("datetime");
    }
    function save() {
      if (Object.keys(saved).length) store.set(key, JSON.stringify(saved)); else store.del(key);
    }
    boxes.forEach(show);

    lists.forEach(function (list) {
      list.classList.add("checklist");
      var mine = boxes.filter(function (b) { return list.contains(b); });
      var progress = el("span", { "class": "checklist-progress" });
      var reset = el("button", { type: "button", "class": "btn checklist-reset" }, "Reset checklist");
      var tools = el("div", { "class": "checklist-tools" }, progress, reset, el("span", { "class": "checklist-where" }, "Ticks are kept in this browser only."));
      function count() {
        var n = mine.filter(function (b) { return b.checked; }).length;
        progress.textContent = n + " of " + mine.length + " checked";
        progress.classList.toggle("is-done", n === mine.length);
      }
      function untick(bs) {
        bs.forEach(function (b) { delete saved[b.getAttribute("data-key")]; show(b); });
        save();
        count();
      }
      reset.addEventListener("click", function () {
        untick(mine);
        announce("Checklist reset");
      });
      list.addEventListener("change", function (e) {
        var b = e.target;
        if (mine.indexOf(b) < 0) return;
        if (b.checked) saved[b.getAttribute("data-key")] = Date.now(); else delete saved[b.getAttribute("data-key")];
        show(b);
        save();
        count();
        logAction(b.checked ? "tick" : "untick", b, b.getAttribute("data-key"));
      });
      // Ticks from an earlier incident are offered for reset, not kept
      // silently.
      var old = mine.filter(function (b) { var t = saved[b.getAttribute("data-key")]; return t && Date.now() - t > TICK_MAX; });
      if (old.length) {
        var hours = Math.round(TICK_MAX / 36e5);
        var clearOld = el("button", { type: "button", "class": "btn checklist-clear-old" }, "Clear old ticks");
        var keep = el("button", { type: "button", "class": "btn checklist-keep" }, "Keep them");
        var note = el("p", { "class": "checklist-stale", role: "status" },
          (old.length === 1 ? "1 tick is" : old.length + " ticks are") + " more than " + hours + " h old, from an earlier incident? ", clearOld, " ", keep);
        clearOld.addEventListener("click", function () { untick(old); note.remove(); announce("Old ticks cleared"); });
        keep.addEventListener("click", function () { note.remove(); });
        tools.appendChild(note);
      }
      list.parentNode.insertBefore(tools, list.nextSibling);
      count();
    });
  }

  // ---- Search ------------------------------------------------------------------

  // The index is written by the build as scripts that call runbooksIndex:
  // a manifest, term shards by prefix, and page lists in chunks. A query
  // loads only the shards of its words and the chunks of its results.
  var STOP = {};
  "an and are as at be by for from if in is it its of on or that the then this to was when with".split(" ").forEach(function (w) { STOP[w] = 1; });
  var FIELD_SCORE = [0, 4, 20, 30, 40, 60, 100, 50]; // body, symptoms, heading, alert part, title, alert, severity/owner
  var FIELD_HEADING = 3;
  var FIELD_ALERT_PART = 4;
  var FIELD_ALERT = 6;

  function fold(s) { return s.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC"); }
  function words(s) { return fold(s).match(/[\p{L}\p{N}]+/gu) || []; }
  function runeLen(s) { return Array.from(s).length; }
  function tokens(s) {
    var seen = {};
    return words(s).filter(function (t) {
      var n = runeLen(t);
      if (n < 2 || n > 40 || STOP[t] || seen[t]) return false;
      seen[t] = 1;
      return true;
    });
  }
  function alertKey(s) { return words(s).join(""); }
  function shardFile(p) {
    if (p === "") return "_"; // the shard of every term, on a small site
    return Array.from(p).map(function (c) { return /^[a-z0-9]$/.test(c) ? c : "_" + c.codePointAt(0).toString(16) + "_"; }).join("");
  }

  var loaded = {};
  var loading = {};
  window.runbooksIndex = function (name, data) { loaded[name] = data; };
  function load(name) {
    if (loading[name]) return loading[name];
    loading[name] = new Promise(function (resolve, reject) {
      var s = el("script", { src: siteRoot + "search/" + name + ".js", async: "" });
      s.onload = function () {
        s.remove();
        if (Object.prototype.hasOwnProperty.call(loaded, name)) resolve(loaded[name]);
        else reject(new Error("search index file " + name + " is damaged"));
      };
      s.onerror = function () {
        s.remove();
        delete loading[name];
        reject(new Error("cannot load the search index"));
      };
      doc.head.appendChild(s);
    });
    return loading[name];
  }

  // sameSite reports whether href leads to a page of this site. Result
  // URLs come from the index files; whatever they hold, a result never
  // becomes a javascript: link or a link to another host.
  function sameSite(href) {
    try {
      var u = new URL(href, location.href);
      return u.protocol === location.protocol && u.origin === location.origin;
    } catch (e) {
      return false;
    }
  }

  function hrefOf(entry, section) {
    var h = siteRoot + entry.u;
    if (!absoluteLinks && (entry.u === "" || entry.u.slice(-1) === "/")) h += "index.html";
    if (section) h += "#" + encodeURIComponent(section[0]);
    return h;
  }

  // shardsFor returns the shards that hold term (the one with the longest
  // name that starts it; "" starts every term, and on a small site is the
  // only shard) and, with longer, those holding longer terms that start
  // with it.
  function shardsFor(man, term, longer) {
    var out = [];
    var chars = Array.from(term);
    for (var n = chars.length; n >= 0; n--) {
      var p = chars.slice(0, n).join("");
      if (man.shardSet[p]) { out.push(p); break; }
    }
    if (longer) {
      man.shards.forEach(function (s) {
        if (s.length > term.length && s.lastIndexOf(term, 0) === 0) out.push(s);
      });
    }
    return out;
  }

  function manifest() {
    return load("index").then(function (man) {
      if (!man.shardSet) {
        man.shardSet = {};
        man.shards.forEach(function (s) { man.shardSet[s] = 1; });
      }
      return man;
    });
  }

  // search ranks the pages for a query: an exact alert name first, then
  // titles, headings and symptoms, then the body. Every word must match,
  // except words so common that the index keeps only part of their pages.
  function search(q, limit) {
    var toks = tokens(q);
    var keys = [];
    [q].concat(q.split(/\s+/)).forEach(function (part) {
      var k = alertKey(part);
      if (runeLen(k) >= 2 && keys.indexOf(k) < 0) keys.push(k);
    });
    if (!toks.length && !keys.length) return Promise.resolve({ query: q, results: [], total: 0 });
    return manifest().then(function (man) {
      var need = {};
      toks.forEach(function (t) { shardsFor(man, t, runeLen(t) >= 3).forEach(function (s) { need[s] = 1; }); });
      keys.forEach(function (k) { shardsFor(man, k, false).forEach(function (s) { need[s] = 1; }); });
      var names = Object.keys(need);
      return Promise.all(names.map(function (s) { return load("t/" + shardFile(s)); })).then(function (datas) {
        var shards = names.map(function (n, i) { return { name: n, terms: datas[i] }; });
        return rank(man, shards, toks, keys, limit);
      });
    }).then(function (r) { r.query = q; return r; });
  }

  // typos returns the largest number of typing mistakes forgiven in a
  // word of n characters.
  function typos(n) { return n >= 8 ? 2 : n >= 4 ? 1 : 0; }

  // distance returns the number of edits (a letter added, dropped,
  // changed, or two swapped) between a and b, or max+1 when it is more
  // than max.
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = [], prev = [], cur = [];
    for (var j = 0; j <= b.length; j++) prev[j] = j;
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var low = i;
      for (j = 1; j <= b.length; j++) {
        var c = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + c);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
        cur[j] = d;
        if (d < low) low = d;
      }
      if (low > max) return max + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  function rank(man, shards, toks, keys, limit) {
    function exact(term) {
      for (var i = 0; i < shards.length; i++) {
        if (Object.prototype.hasOwnProperty.call(shards[i].terms, term)) return shards[i].terms[term];
      }
      return null;
    }
    var pages = {}; // id → {score, matched, best, bestSec, alert, parts}
    function hit(id) {
      return pages[id] || (pages[id] = { id: id, score: 0, matched: 0, required: 0, best: -1, sec: -1, alert: false, parts: [] });
    }
    var required = 0;
    var read = {}; // a word found only as a near spelling → that spelling
    var missing = []; // words found nowhere
    toks.forEach(function (t) {
      var lists = [];
      var e = exact(t);
      if (e) lists.push([e, 1, t]);
      if (runeLen(t) >= 3) {
        var extra = 0;
        shards.forEach(function (sh) {
          if (sh.name.lastIndexOf(t, 0) !== 0 && t.lastIndexOf(sh.name, 0) !== 0) return;
          for (var term in sh.terms) {
            if (extra >= 300) return;
            if (term !== t && term.lastIndexOf(t, 0) === 0) { lists.push([sh.terms[term], 0.7, term]); extra++; }
          }
        });
      }
      // No page has the word: take the words one or two typing
      // mistakes away, the closest first.
      var max = typos(runeLen(t));
      if (!lists.length && max) {
        var near = [];
        shards.forEach(function (sh) {
          for (var term in sh.terms) {
            var d = distance(t, term, max);
            if (d <= max) near.push([d, term, sh.terms[term]]);
          }
        });
        near.sort(function (a, b) { return a[0] - b[0] || b[2][0] - a[2][0]; });
        near.slice(0, 5).forEach(function (n) { lists.push([n[2], n[0] === near[0][0] ? 0.6 : 0.4, n[1]]); });
        if (near.length) read[t] = near[0][1];
      }
      if (!lists.length) missing.push(t);
      var common = lists.length > 0 && lists.every(function (l) { return l[0][0] * 3 > l[0].length - 1; });
      if (!common) required++;
      var best = {};
      lists.forEach(function (l) {
        var p = l[0];
        for (var i = 1; i + 2 < p.length; i += 3) {
          var w = p[i + 1], f = w >> 5;
          var s = FIELD_SCORE[f] * l[1] + Math.min(w & 31, 10) * 0.5;
          var b = best[p[i]];
          if (!b || s > b.s) best[p[i]] = { s: s, f: f, sec: p[i + 2], term: l[2] };
        }
      });
      Object.keys(best).forEach(function (id) {
        var b = best[id], h = hit(id);
        if (b.f === FIELD_ALERT || b.f === FIELD_ALERT_PART) h.parts.push(b.term);
        h.score += b.s;
        h.matched++;
        if (!common) h.required++;
        if (b.s > h.best) { h.best = b.s; h.sec = b.f <= FIELD_HEADING ? b.sec : -1; }
      });
    });
    keys.forEach(function (k) {
      var p = exact(k);
      if (!p) return;
      for (var i = 1; i + 2 < p.length; i += 3) {
        if (p[i + 1] >> 5 !== FIELD_ALERT) continue;
        var h = hit(p[i]);
        if (!h.alert) { h.alert = k; h.score += 1e6; h.sec = -1; }
      }
    });
    var all = Object.keys(pages).map(function (id) { return pages[id]; });
    var strict = all.filter(function (h) { return h.alert || (h.required >= required && h.matched > 0); });
    var list = strict.length ? strict : all;
    list.sort(function (a, b) {
      return (b.alert ? 1 : 0) - (a.alert ? 1 : 0) || b.matched - a.matched || b.score - a.score || a.id - b.id;
    });
    var top = list.slice(0, limit);
    var chunks = {};
    top.forEach(function (h) { chunks[Math.floor(h.id / man.chunk)] = 1; });
    return Promise.all(Object.keys(chunks).map(function (c) { return load("p/" + c); })).then(function () {
      var results = top.map(function (h) {
        var entry = loaded["p/" + Math.floor(h.id / man.chunk)][h.id % man.chunk];
        var sec = h.sec >= 0 && entry.s ? entry.s[h.sec] : null;
        var alert = null;
        // The alert the query named, whole or in part.
        (entry.a || []).forEach(function (a) {
          var k = alertKey(a);
          if (!alert && (k === h.alert || h.parts.some(function (p) { return runeLen(p) >= 3 && k.indexOf(p) >= 0; }))) alert = a;
        });
        var group = man.groups[entry.g] || ["other", "Page"];
        return { entry: entry, section: sec, alert: alert, slug: group[0], badge: group[1], href: hrefOf(entry, sec) };
      });
      var safe = results.filter(function (r) { return sameSite(r.href); });
      return { total: list.length - (results.length - safe.length), read: read, missing: missing, results: safe };
    });
  }

  // resultContent returns the inside of a result: badge, title, section,
  // matched alert and, when asked, the excerpt.
  function resultContent(r, withExcerpt) {
    var parts = [
      el("span", { "class": "result-head" },
        el("span", { "class": "badge badge-" + r.slug }, r.badge),
        el("span", { "class": "result-title" }, r.entry.t))
    ];
    if (r.section && r.section[1] !== r.entry.t) parts.push(el("span", { "class": "result-section" }, r.section[1]));
    if (r.alert) parts.push(el("span", { "class": "result-alert" }, "Alert ", el("code", {}, r.alert)));
    if (withExcerpt && r.entry.x) parts.push(el("span", { "class": "result-excerpt" }, r.entry.x));
    return parts;
  }

  // countText says how many pages a search found.
  function countText(r, named) {
    if (r.total === 0) return "No runbook matches “" + r.query + "”.";
    return (r.total === 1 ? "1 result" : r.total + " results") + (named ? " for “" + r.query + "”" : "") +
      (r.total > r.results.length ? ", best " + r.results.length + " shown." : ".");
  }

  // readText says which words were read as another spelling and which
  // matched nothing, rather than dropping them silently.
  function readText(r) {
    var out = "";
    Object.keys(r.read || {}).forEach(function (w) { out += " “" + w + "” read as “" + r.read[w] + "”."; });
    if (r.total && r.missing && r.missing.length) out += " No page has “" + r.missing.join("”, “") + "”.";
    return out;
  }

  function setupSearch() {
    var form = $("form.search");
    var input = $("#search-input");
    if (!form || !input) return;
    var popup = el("div", { "class": "search-results", id: "search-popup", hidden: "" });
    var status = el("p", { "class": "search-status", id: "search-status" });
    var listbox = el("div", { role: "listbox", id: "search-listbox", "aria-label": "Search results" });
    popup.appendChild(status);
    popup.appendChild(listbox);
    form.appendChild(popup);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", "search-listbox");
    input.setAttribute("aria-describedby", "search-status");

    var seq = 0;
    var results = [];
    var active = -1;
    var pending = null;

    function open(on) {
      popup.hidden = !on;
      input.setAttribute("aria-expanded", on ? "true" : "false");
      if (!on) setActive(-1);
    }
    function setActive(i) {
      var opts = $$('[role="option"]', listbox);
      opts.forEach(function (o, j) { o.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (i >= 0 && opts[i]) {
        input.setAttribute("aria-activedescendant", opts[i].id);
        opts[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function render(r) {
      results = r.results;
      listbox.replaceChildren();
      results.forEach(function (res, i) {
        var opt = el("a", { role: "option", id: "search-opt-" + i, href: res.href, tabindex: "-1", "aria-selected": "false", "class": "result-link" });
        resultContent(res, false).forEach(function (c) { opt.appendChild(c); });
        opt.addEventListener("mousedown", function (e) { e.preventDefault(); }); // keep focus in the box
        listbox.appendChild(opt);
      });
      status.textContent = countText(r, false) + readText(r);
      listbox.setAttribute("data-query", r.query);
      active = -1;
      input.removeAttribute("aria-activedescendant");
      open(true);
      announce(r.total === 0 ? "No results" : (r.total === 1 ? "1 result" : r.total + " results"));
    }
    function run() {
      var q = input.value.trim();
      var my = ++seq;
      if (!q) {
        pending = null;
        results = [];
        listbox.replaceChildren();
        listbox.removeAttribute("data-query");
        open(false);
        return Promise.resolve();
      }
      pending = search(q, 8).then(function (r) {
        if (my === seq) render(r);
      }, function (err) {
        if (my !== seq) return;
        results = [];
        listbox.replaceChildren();
        status.textContent = "Search is unavailable: " + err.message + ".";
        open(true);
      });
      return pending;
    }
    function go(i) {
      var r = results[i];
      if (!r) return false;
      open(false);
      // The page opened from a result puts focus on its first command.
      try { sessionStorage.setItem("runbooks-focus-command", "1"); } catch (e) { /* not kept: no focus */ }
      location.href = r.href;
      return true;
    }

    input.addEventListener("input", run);
    input.addEventListener("focus", function () {
      manifest().catch(function () { /* reported when searching */ });
      if (results.length && input.value.trim()) open(true);
    });
    input.addEventListener("blur", function () { setTimeout(function () { if (doc.activeElement !== input) open(false); }, 150); });
    input.addEventListener("keydown", function (e) {
      var n = results.length;
      switch (e.key) {
      case "ArrowDown":
        if (!n) return;
        e.preventDefault();
        open(true);
        setActive(active + 1 >= n ? 0 : active + 1);
        break;
      case "ArrowUp":
        if (!n) return;
        e.preventDefault();
        open(true);
        setActive(active <= 0 ? n - 1 : active - 1);
        break;
      case "Escape":
        e.preventDefault();
        if (input.value) {
          input.value = "";
          run();
        } else {
          input.blur();
        }
        break;
      }
    });
    listbox.addEventListener("click", function (e) {
      var a = e.target.closest('[role="option"]');
      if (a && !e.ctrlKey && !e.metaKey && !e.shiftKey && e.button === 0) {
        e.preventDefault();
        go($$('[role="option"]', listbox).indexOf(a));
      }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var wait = pending || run();
      Promise.resolve(wait).then(function () {
        if (!go(active >= 0 ? active : 0) && input.value.trim()) {
          location.href = form.getAttribute("action") + "?q=" + encodeURIComponent(input.value.trim());
        }
      });
    });
    doc.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.nodeName))) return;
      e.preventDefault();
      input.focus();
      input.select();
    });
    doc.addEventListener("click", function (e) {
      if (!form.contains(e.target)) open(false);
    });

    var page = main && main.hasAttribute("data-search-page");
    if (page) searchPage(input);
  }

  // searchPage shows every result of the ?q= query on the search page.
  function searchPage(input) {
    var list = $("#search-page-results");
    var status = $("#search-page-status");
    var q = (new URLSearchParams(location.search).get("q") || "").trim();
    if (!q) {
      status.textContent = "Type in the search box above: a runbook title, a symptom, a command or an alert name.";
      return;
    }
    input.value = q;
    status.textContent = "Searching…";
    search(q, 50).then(function (r) {
      list.replaceChildren();
      r.results.forEach(function (res) {
        var a = el("a", { href: res.href, "class": "result-link" });
        resultContent(res, true).forEach(function (c) { a.appendChild(c); });
        list.appendChild(el("li", {}, a));
      });
      status.textContent = countText(r, true) + readText(r);
    }, function (err) {
      status.textContent = "Search is unavailable: " + err.message + ".";
    });
  }

  // ---- Keys: commands and steps -----------------------------------------------

  // A page opened from a search result starts with focus on its first
  // command (the first after the section the result names). Then, with
  // the focus anywhere but a field, c copies the command in focus or the
  // first one on the screen, and j and k go to the next and previous step.
  function setupKeys() {
    var blocks = $$(".code", content);
    var steps = $$("h2[id], h3[id]", content);
    var header = $(".site-header");
    function top() { return header ? header.getBoundingClientRect().bottom : 0; }
    function after(node) {
      for (var i = 0; i < blocks.length; i++) {
        if (node.compareDocumentPosition(blocks[i]) & Node.DOCUMENT_POSITION_FOLLOWING) return blocks[i];
      }
      return null;
    }
    function focusBlock(b, scroll) {
      var pre = $("pre", b);
      if (pre) pre.focus({ preventScroll: !scroll });
    }
    var flag = null;
    try {
      flag = sessionStorage.getItem("runbooks-focus-command");
      sessionStorage.removeItem("runbooks-focus-command");
    } catch (e) { /* no flag */ }
    if (flag && blocks.length) {
      var target = location.hash && doc.getElementById(decodeURIComponent(location.hash.slice(1)));
      var first = target ? after(target) : blocks[0];
      if (first) focusBlock(first, !target);
    }
    function current() {
      var a = doc.activeElement;
      var b = a && a.closest && a.closest(".code");
      if (b && content.contains(b)) return b;
      var y = top();
      for (var i = 0; i < blocks.length; i++) {
        var r = blocks[i].getBoundingClientRect();
        if (r.bottom > y + 20) return r.top < window.innerHeight ? blocks[i] : null;
      }
      return null;
    }
    function step(dir) {
      if (!steps.length) return;
      var y = top() + 8, i;
      var a = doc.activeElement;
      var from = a && content.contains(a) ? a : null;
      var cur = -1;
      for (i = 0; i < steps.length; i++) {
        var passed = from ? (steps[i] === from || (steps[i].compareDocumentPosition(from) & Node.DOCUMENT_POSITION_FOLLOWING)) : steps[i].getBoundingClientRect().top <= y;
        if (passed) cur = i;
      }
      var next = Math.max(0, Math.min(steps.length - 1, cur + dir));
      if (dir < 0 && cur < 0) next = 0;
      var h = steps[next];
      h.scrollIntoView({ block: "start" });
      var b = after(h);
      var nextStep = steps[next + 1];
      if (b && (!nextStep || (b.compareDocumentPosition(nextStep) & Node.DOCUMENT_POSITION_FOLLOWING))) {
        focusBlock(b, false);
      } else {
        h.setAttribute("tabindex", "-1");
        h.focus({ preventScroll: true });
      }
      announce(h.textContent.replace(/#$/, ""));
    }
    doc.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.nodeName))) return;
      if (e.key === "c") {
        var b = current();
        if (!b) return;
        e.preventDefault();
        focusBlock(b, false);
        var btn = $(".copy-btn", b);
        if (btn) btn.click();
      } else if (e.key === "j" || e.key === "k") {
        e.preventDefault();
        step(e.key === "j" ? 1 : -1);
      }
    });
  }

  // A long page gets a control back to the top once the reader is two
  // screens down (the footer's link does the same without JavaScript).
  function setupTop() {
    var btn = el("a", { "class": "btn to-top-float", href: "#top", hidden: "", "aria-label": "Back to top" }, "↑ Top");
    btn.addEventListener("click", function (e) {
      e.preventDefault();
      window.scrollTo(0, 0);
      var input = $("#search-input");
      if (input) input.focus({ preventScroll: true });
    });
    doc.body.appendChild(btn);
    var ticking = false;
    window.addEventListener("scroll", function () {
      if (ticking) return;
      ticking = true;
      requestAnimationFrame(function () {
        ticking = false;
        btn.hidden = window.scrollY < 2 * window.innerHeight;
      });
    }, { passive: true });
  }

  // ---- Offline -------------------------------------------------------------------

  // The build's service worker keeps the whole site, search index
  // included, for when the network is down. Browsers allow one only over
  // https or on localhost, never from disk.
  function setupOffline() {
    var sw = root.getAttribute("data-worker");
    if (!sw || !navigator.serviceWorker || !window.isSecureContext) return;
    navigator.serviceWorker.register(sw).catch(function () { /* the site still works online */ });
  }

  setupTheme();
  setupNav();
  setupTOC();
  setupTables();
  setupCode();
  setupVars();
  setupChecklists();
  setupTimeline();
  setupSearch();
  setupKeys();
  setupTop();
  setupOffline();
})();
