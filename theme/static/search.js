// Search for the runbooks' pages, loaded by runbooks.js when the reader
// first goes to the search box (and at once on the search page), so that a
// page that is only read does not carry it. runbooks.js calls
// runbooksSearch with the helpers both share.
(function () {
  "use strict";

  var doc = document;
  var main = doc.getElementById("main");
  var siteRoot = doc.documentElement.getAttribute("data-root") || "";
  var absoluteLinks = siteRoot.charAt(0) === "/";
  var $, $$, el, announce; // runbooks.js's, given to runbooksSearch

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
    doc.addEventListener("click", function (e) {
      if (!form.contains(e.target)) open(false);
    });

    if (doc.activeElement === input) {
      manifest().catch(function () { /* reported when searching */ });
      if (input.value.trim()) run();
    }
    if (main && main.hasAttribute("data-search-page")) searchPage(input);
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

  window.runbooksSearch = function (kit) {
    $ = kit.$;
    $$ = kit.$$;
    el = kit.el;
    announce = kit.announce;
    setupSearch();
  };
})();
