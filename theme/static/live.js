// Live reload for `runbooks serve`; never part of a built site.
//
// Listens to the preview server's events on /_live:
//   reload   the site was rebuilt: reload this page if it changed, keeping
//            the scroll position;
//   css      only the theme's stylesheets changed: swap them in place;
//   problems the build's problems: show them in an overlay, this page's
//            first, or remove it.
// Every event carries the version of the pages served. A browser that
// reconnects (server restarted, or it fell behind) and finds another
// version reloads, so the preview never stays stale.
(function () {
  "use strict";
  if (!window.EventSource || !window.JSON) {
    return;
  }
  var scrollKey = "runbooks-live-scroll:" + location.pathname;
  var dismissKey = "runbooks-live-dismissed";
  var maxListed = 200;
  var version = null;

  function restoreScroll() {
    var saved;
    try {
      saved = sessionStorage.getItem(scrollKey);
      sessionStorage.removeItem(scrollKey);
    } catch (e) {
      return;
    }
    if (!saved) {
      return;
    }
    var pos = JSON.parse(saved);
    window.scrollTo(pos.x, pos.y);
    // Images may change the layout after the first paint.
    window.addEventListener("load", function () {
      window.scrollTo(pos.x, pos.y);
    });
  }

  function reload() {
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    } catch (e) {
      // storage may be disabled: reload all the same
    }
    location.reload();
  }

  // The site path of this page, as the server names pages: "db/pool/".
  function currentPage() {
    var p = location.pathname;
    try {
      p = decodeURIComponent(p);
    } catch (e) {
      // keep it encoded
    }
    return p.replace(/^\//, "").replace(/index\.html$/, "");
  }

  // swapCSS replaces each fingerprinted stylesheet whose theme name is in
  // assets ("style.css" → "assets/style.0123456789.css"), loading the new
  // one before removing the old so the page never shows unstyled.
  function swapCSS(assets) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (old) {
      var m = new URL(old.href, location.href).pathname.match(/\/assets\/(.+)\.[0-9a-f]{10}\.css$/);
      var next = m && assets[m[1] + ".css"];
      if (!next || old.href === new URL("/" + next, location.href).href) {
        return;
      }
      var link = old.cloneNode();
      link.href = "/" + next;
      link.addEventListener("load", function () {
        old.remove();
      });
      old.after(link);
    });
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text) {
      e.textContent = text;
    }
    return e;
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  // The source file of this page, as problems name it: "db/pool.md".
  function currentSource() {
    var m = document.querySelector('meta[name="runbooks-source"]');
    return m ? m.getAttribute("content") : null;
  }

  function problemItem(s, p) {
    var li = el("li", "live-" + p.severity);
    var file = (s.root && s.root !== "." ? s.root.replace(/\/+$/, "") + "/" : "") + p.file;
    li.appendChild(el("code", "live-pos", file + ":" + p.line + ":" + p.column));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", "live-sev", p.severity + ":"));
    li.appendChild(document.createTextNode(" " + p.message + (p.suggestion ? ' (did you mean "' + p.suggestion + '"?)' : "")));
    if (p.rule) {
      li.appendChild(el("span", "live-rule", " [" + p.rule + "]"));
    }
    return li;
  }

  function count(list, severity) {
    return list.filter(function (p) { return p.severity === severity; }).length;
  }

  // overlay shows the problems of status s, or removes the overlay when
  // there are none. This page's problems come first; the rest of the
  // site's are counted, and listed on request. Errors in this page (or a
  // failed rebuild) open it over the page; anything else leaves it folded
  // in a corner.
  function overlay(s) {
    var old = document.getElementById("runbooks-live");
    if (old) {
      old.remove();
    }
    var probs = s.problems || [];
    if (probs.length === 0 && !s.stale) {
      return;
    }
    var key = s.stale + ":" + probs.map(function (p) {
      return p.file + ":" + p.line + ":" + p.column + ":" + p.message;
    }).join("\n");
    var dismissed = null;
    try {
      dismissed = sessionStorage.getItem(dismissKey);
    } catch (e) {
      // storage may be disabled
    }
    if (dismissed === key) {
      return;
    }
    var source = currentSource();
    var here = probs.filter(function (p) { return p.file === source; });
    var rest = probs.filter(function (p) { return p.file !== source; });
    var major = count(here, "error") > 0 || s.stale;
    var box = el("aside", "live-overlay " + (major ? "live-major" : "live-minor"));
    box.id = "runbooks-live";
    box.setAttribute("role", major ? "alert" : "status");
    box.setAttribute("aria-label", "Build problems");
    var head = el("div", "live-head");
    var summary = source === null ?
      plural(s.errors, "error") + ", " + plural(s.warnings, "warning") :
      plural(count(here, "error"), "error") + ", " + plural(count(here, "warning"), "warning") + " in this page";
    head.appendChild(el("strong", "live-count", summary));
    if (source !== null && rest.length > 0) {
      var errs = count(rest, "error");
      head.appendChild(el("span", "live-elsewhere", "+ " + plural(rest.length, "problem") + " in other files" +
        (errs ? " (" + plural(errs, "error") + ")" : "")));
    }
    if (s.stale) {
      head.appendChild(el("span", "live-stale", "The last change could not be built: this is the last good version."));
    }
    var toggle = el("button", "live-toggle", major ? "Fold" : "Show");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", major ? "true" : "false");
    toggle.addEventListener("click", function () {
      var open = box.classList.toggle("live-open");
      toggle.textContent = open ? "Fold" : "Show";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    var close = el("button", "live-close", "Dismiss");
    close.type = "button";
    close.addEventListener("click", function () {
      try {
        sessionStorage.setItem(dismissKey, key);
      } catch (e) {
        // dismissed until the next event only
      }
      box.remove();
    });
    head.appendChild(toggle);
    head.appendChild(close);
    box.appendChild(head);
    var list = el("ol", "live-problems");
    var first = source === null ? probs : here;
    first.slice(0, maxListed).forEach(function (p) {
      list.appendChild(problemItem(s, p));
    });
    if (first.length > maxListed) {
      list.appendChild(el("li", "live-more", "…and " + (first.length - maxListed) + " more: see the terminal."));
    }
    box.appendChild(list);
    if (source !== null && rest.length > 0) {
      var others = el("ol", "live-problems live-others");
      var more = el("button", "live-show-others", "List the " + plural(rest.length, "problem") + " in other files");
      more.type = "button";
      more.addEventListener("click", function () {
        rest.slice(0, maxListed).forEach(function (p) {
          others.appendChild(problemItem(s, p));
        });
        if (rest.length > maxListed) {
          others.appendChild(el("li", "live-more", "…and " + (rest.length - maxListed) + " more: see the terminal."));
        }
        more.remove();
      });
      box.appendChild(more);
      box.appendChild(others);
    }
    if (major) {
      box.classList.add("live-open");
    }
    document.body.appendChild(box);
  }

  function data(e) {
    try {
      return JSON.parse(e.data);
    } catch (err) {
      return null;
    }
  }

  // The version shown, on the root element, for tests and curious authors.
  function seen(v) {
    version = v;
    document.documentElement.setAttribute("data-live", v);
  }

  restoreScroll();
  var source = new EventSource("/_live");
  source.addEventListener("reload", function (e) {
    var d = data(e);
    if (!d || d.pages === null || d.pages.indexOf(currentPage()) >= 0) {
      source.close();
      reload();
      return;
    }
    seen(d.version);
  });
  source.addEventListener("css", function (e) {
    var d = data(e);
    if (d) {
      swapCSS(d.assets || {});
      seen(d.version);
    }
  });
  source.addEventListener("problems", function (e) {
    var d = data(e);
    if (!d) {
      return;
    }
    if (version !== null && d.version !== version) {
      source.close();
      reload();
      return;
    }
    seen(d.version);
    var show = function () {
      overlay(d);
    };
    if (document.body) {
      show();
    } else {
      document.addEventListener("DOMContentLoaded", show);
    }
  });
})();
