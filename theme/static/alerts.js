// alerts.js runs on the 404 page and on the index of alerts. A reader who
// asked for /alerts/<name>/ (from an alert's runbook_url, in any case, on
// a host that answered with the 404 page) is sent on to the runbook that
// lists the alert; for an alert no runbook lists, the page says so and
// shows the closest runbooks and a search for the name.
(function () {
  "use strict";

  var box = document.getElementById("alert-lookup");
  if (!box || !window.fetch || !window.URL) return;

  var m = /\/alerts\/([^\/]+)(?:\/(?:index\.html)?)?$/i.exec(location.pathname);
  var name = m ? m[1] : null;
  if (name && /^index\.(html|json)$/i.test(name)) name = null;
  if (!name) name = new URLSearchParams(location.search).get("alert");
  if (!name) return;
  try { name = decodeURIComponent(name); } catch (e) { /* keep it as it came */ }

  // The site root: data-root is "/", "/ops/" or, on pages linked
  // relatively, "../".
  var base = new URL(document.documentElement.getAttribute("data-root") || "./", location.href);

  // sameSite returns the absolute URL of a site path of the map, or null
  // when it would leave the site's origin.
  function sameSite(path) {
    try {
      var u = new URL(path, base);
      if (u.origin !== location.origin || (u.protocol !== "http:" && u.protocol !== "https:" && u.protocol !== "file:")) return null;
      return u;
    } catch (e) {
      return null;
    }
  }

  // distance is the edit distance of a and b, stopping at limit + 1.
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var prev = [], cur = [];
    for (var j = 0; j <= b.length; j++) prev[j] = j;
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var low = i;
      for (j = 1; j <= b.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        low = Math.min(low, cur[j]);
      }
      if (low > limit) return limit + 1;
      prev = cur;
    }
    return prev[b.length];
  }

  // closest returns up to five alerts whose names are near key: one
  // contains the other, or they are a few edits apart.
  function closest(key, list) {
    var limit = Math.max(2, Math.floor(key.length / 4));
    var scored = [];
    list.forEach(function (a) {
      var k = a.name.toLowerCase(), d;
      if (k.indexOf(key) >= 0 || key.indexOf(k) >= 0) d = Math.abs(k.length - key.length) / 100;
      else d = distance(key, k, limit);
      if (d <= limit) scored.push({ a: a, d: d });
    });
    scored.sort(function (x, y) { return x.d - y.d || (x.a.name < y.a.name ? -1 : 1); });
    var seen = {}, out = [];
    scored.forEach(function (s) {
      if (out.length < 5 && !seen[s.a.url]) {
        seen[s.a.url] = true;
        out.push(s.a);
      }
    });
    return out;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function show(near) {
    box.textContent = "";
    var p = el("p", "alert-lookup-title");
    p.appendChild(document.createTextNode("No runbook lists the alert "));
    p.appendChild(el("code", "", name));
    p.appendChild(document.createTextNode("."));
    box.appendChild(p);
    if (near.length) {
      box.appendChild(el("p", "", "The closest runbooks:"));
      var ul = el("ul", "alert-lookup-list");
      near.forEach(function (a) {
        var u = sameSite(a.url);
        if (!u) return;
        var li = el("li");
        var link = el("a", "", a.title || a.name);
        link.href = u.href;
        li.appendChild(link);
        if (a.severity) li.appendChild(el("span", "badge badge-" + a.severity.toLowerCase(), a.severity));
        li.appendChild(document.createTextNode(" for "));
        li.appendChild(el("code", "", a.name));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    var form = document.querySelector("form.search");
    if (form) {
      var s = sameSite(new URL(form.getAttribute("action"), location.href).href);
      if (s) {
        s.searchParams.set("q", name);
        var q = el("p");
        var a = el("a", "", "Search the runbooks for " + name);
        a.href = s.href;
        q.appendChild(a);
        box.appendChild(q);
      }
    }
    box.classList.add("is-shown");
  }

  var mapURL = sameSite("alerts/index.json");
  if (!mapURL) return;
  fetch(mapURL.href, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : { alerts: [] }; })
    .then(function (map) {
      var list = (map && map.alerts) || [];
      var key = name.toLowerCase();
      for (var i = 0; i < list.length; i++) {
        if (list[i].name.toLowerCase() === key) {
          var u = sameSite(list[i].url);
          if (u) {
            u.hash = location.hash;
            location.replace(u.href);
            return;
          }
        }
      }
      show(closest(key, list));
    })
    .catch(function () { show([]); });
})();
