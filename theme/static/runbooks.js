// Runbooks: progressive enhancements for the on-call reading experience.
// Every page is complete without this script. It adds copy buttons that
// copy exactly the command, command parameters kept in the link, clickable
// checklists remembered per page and the colour-scheme toggle, and loads
// search (search.js) when the reader goes to the search box.
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
  // shown reports whether node is laid out and not inside a closed
  // <details> (whose content keeps its boxes in some browsers).
  function shown(node) { return !node.closest("details:not([open])") && node.getClientRects().length > 0; }

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

  // Search (search.js) loads the first time the reader goes to the search
  // box, and at once on the search page, so that a page that is only read
  // does not carry it. Until then "/" still goes to the box and Enter
  // waits for it; if it cannot load, the form goes to the search page, as
  // it does without JavaScript.
  function setupSearch() {
    var form = $("form.search");
    var input = $("#search-input");
    var src = form && form.getAttribute("data-script");
    if (!input || !src) return;
    var loading = null;
    var ready = false;
    function load() {
      if (!loading) {
        loading = new Promise(function (resolve, reject) {
          var s = el("script", { src: src, async: "" });
          s.onload = function () {
            if (!window.runbooksSearch) return reject(new Error("search.js is damaged"));
            window.runbooksSearch({ $: $, $$: $$, el: el, announce: announce });
            ready = true;
            resolve();
          };
          s.onerror = function () {
            s.remove();
            loading = null;
            reject(new Error("cannot load search"));
          };
          doc.head.appendChild(s);
        });
      }
      return loading;
    }
    input.addEventListener("focus", function () { load().catch(function () { /* Enter goes to the search page */ }); });
    form.addEventListener("submit", function (e) {
      if (ready) return; // search.js handles it
      e.preventDefault();
      load().then(function () { form.requestSubmit(); }, function () { form.submit(); });
    });
    doc.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.nodeName))) return;
      e.preventDefault();
      input.focus();
      input.select();
    });
    if (main && main.hasAttribute("data-search-page")) {
      load().catch(function (err) {
        var status = $("#search-page-status");
        if (status) status.textContent = "Search is unavailable: " + err.message + ".";
      });
    }
  }

  // ---- The first command on the first screen -----------------------------------

  // A runbook opens with its first command on the first screen. When the
  // sections above it (an overview, the prerequisites of a planned
  // procedure) push it below, they are folded to their heading and one
  // line, from the top, one at a time, until the first command still in
  // view is on the screen; a section that starts with its command is
  // never folded. A page opened at a section is left as it is. A link to
  // a folded section, j and k, find in page and printing open it.
  function setupFold() {
    if (!$(".runbook-meta") || location.hash) return;
    var sections = [];
    Array.prototype.forEach.call(content.children, function (n) {
      if (n.tagName === "H2") sections.push({ head: n, body: [] });
      else if (sections.length) sections[sections.length - 1].body.push(n);
    });
    function firstCommand() { return $$(".code pre", content).filter(shown)[0]; }
    function fits(pre) {
      var cs = getComputedStyle(pre);
      return pre.getBoundingClientRect().top + window.scrollY + parseFloat(cs.paddingTop) + parseFloat(cs.lineHeight) <= window.innerHeight;
    }
    for (var i = 0; i < sections.length; i++) {
      var pre = firstCommand();
      if (!pre || fits(pre)) return;
      var sec = sections[i];
      if (!(sec.head.compareDocumentPosition(pre) & Node.DOCUMENT_POSITION_FOLLOWING)) return; // nothing above it left to fold
      if (!sec.body.length) continue;
      // A section without the command folds when that saves more than a
      // few lines. The one with it folds only when a third of a screen of
      // reading comes before the command (prerequisites ending with a
      // session to open); one that starts with its command stays.
      var top = sec.body[0].getBoundingClientRect().top;
      if (sec.body.indexOf(pre.closest(".content > *")) >= 0) {
        if (pre.getBoundingClientRect().top - top < window.innerHeight / 3) return;
      } else if (sec.body[sec.body.length - 1].getBoundingClientRect().bottom - top < 100) {
        continue;
      }
      var name = sec.head.textContent.replace(/#$/, "").trim();
      var words = sec.body.reduce(function (n, b) { return n + (b.textContent.match(/\S+/g) || []).length; }, 0);
      var fold = el("details", { "class": "fold" },
        el("summary", { "class": "fold-summary" }, el("span", {}, "Show " + name), el("span", { "class": "fold-size" }, words + " words")));
      content.insertBefore(fold, sec.body[0]);
      sec.body.forEach(function (b) { fold.appendChild(b); });
    }
  }

  // reveal opens the fold that holds node, or that follows the heading
  // node, and reports whether it opened one.
  function reveal(node) {
    if (!node || !node.closest) return false;
    var fold = node.closest("details.fold") || (node.nextElementSibling && node.nextElementSibling.matches("details.fold") ? node.nextElementSibling : null);
    if (!fold || fold.open) return false;
    fold.open = true;
    return true;
  }

  function setupReveal() {
    function target() {
      try { return location.hash && doc.getElementById(decodeURIComponent(location.hash.slice(1))); } catch (e) { return null; }
    }
    // A link to a folded part of the page opens the fold before the
    // browser scrolls to it.
    doc.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest('a[href*="#"]');
      if (!a || a.origin !== location.origin || a.pathname !== location.pathname || !a.hash) return;
      try { reveal(doc.getElementById(decodeURIComponent(a.hash.slice(1)))); } catch (err) { /* not an id */ }
    }, true);
    window.addEventListener("hashchange", function () {
      var t = target();
      if (reveal(t)) t.scrollIntoView();
    });
    var opened = [];
    window.addEventListener("beforeprint", function () {
      opened = $$("details.fold:not([open])", content);
      opened.forEach(function (d) { d.open = true; });
    });
    window.addEventListener("afterprint", function () { opened.forEach(function (d) { d.open = false; }); });
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
      if (target) reveal(target);
      var first = target ? after(target) : blocks.filter(shown)[0];
      if (first) focusBlock(first, !target);
    }
    function current() {
      var a = doc.activeElement;
      var b = a && a.closest && a.closest(".code");
      if (b && content.contains(b)) return b;
      var y = top();
      for (var i = 0; i < blocks.length; i++) {
        if (!shown(blocks[i])) continue;
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
      reveal(h);
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
  // A site built without it (offline = false, or the preview) removes the
  // one an earlier build installed, so that no stored copy outlives it.
  function setupOffline() {
    var sw = root.getAttribute("data-worker");
    if (!navigator.serviceWorker || !window.isSecureContext) return;
    if (sw) {
      navigator.serviceWorker.register(sw).catch(function () { /* the site still works online */ });
      return;
    }
    var scope = new URL(siteRoot || "./", location.href).href;
    navigator.serviceWorker.getRegistration().then(function (reg) {
      if (!reg || reg.scope !== scope) return;
      return reg.unregister().then(function () { return caches.keys(); }).then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.lastIndexOf("runbooks-", 0) === 0; }).map(function (k) { return caches.delete(k); }));
      });
    }).catch(function () { /* nothing to remove */ });
  }

  setupTheme();
  setupNav();
  setupTOC();
  setupTables();
  setupCode();
  setupVars();
  setupChecklists();
  setupTimeline();
  setupFold();
  setupReveal();
  setupSearch();
  setupKeys();
  setupTop();
  setupOffline();
})();
