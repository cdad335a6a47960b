// Fills in a folder of the navigation when the reader opens it. A page
// lists only its own folder's links, so that its size does not grow with
// the site; the others come from one shared file, fetched once, the first
// time a folder is opened. Without JavaScript a folder's one link leads to
// its index page or the group page. Elements are built from text, never
// from HTML strings.
(function () {
  "use strict";

  var nav = document.querySelector(".site-nav[data-nav]");
  if (!nav) return;
  var root = document.documentElement.getAttribute("data-root") || "";
  var absolute = root.charAt(0) === "/";
  var loading = null;

  function load() {
    if (!loading) {
      loading = fetch(nav.getAttribute("data-nav"), { credentials: "same-origin" })
        .then(function (res) {
          if (!res.ok) throw new Error(res.status + " " + res.statusText);
          return res.json();
        });
      loading.catch(function () { loading = null; }); // try again on the next opening
    }
    return loading;
  }

  function href(u) {
    var h = root + u;
    if (!absolute && (u === "" || u.slice(-1) === "/")) h += "index.html";
    return h;
  }

  function item(entry) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = href(entry.u);
    a.textContent = entry.t;
    if (entry.w) {
      var where = document.createElement("span");
      where.className = "nav-where";
      where.textContent = entry.w;
      a.appendChild(document.createTextNode(" "));
      a.appendChild(where);
    }
    if (entry.o) {
      var badge = document.createElement("span");
      badge.className = "badge badge-overdue badge-sm";
      badge.textContent = "review overdue";
      a.appendChild(document.createTextNode(" "));
      a.appendChild(badge);
    }
    li.appendChild(a);
    return li;
  }

  function fill(details) {
    var list = details.querySelector(".nav-folder-items");
    if (!list || !list.querySelector(".nav-fill") || details.hasAttribute("data-filled")) return;
    details.setAttribute("data-filled", "loading");
    load().then(function (data) {
      var entries = data && data.folders && data.folders[details.getAttribute("data-folder")];
      if (!entries) throw new Error("folder not in the navigation file");
      var items = entries.map(item);
      list.replaceChildren.apply(list, items);
      details.setAttribute("data-filled", "true");
    }).catch(function () {
      details.removeAttribute("data-filled"); // the fallback link stays
    });
  }

  nav.addEventListener("toggle", function (e) {
    var d = e.target;
    if (d && d.open && d.classList && d.classList.contains("nav-folder-details")) fill(d);
  }, true);
})();
