// The service worker of a runbooks site: after the first visit it keeps
// every page, asset and search index file of the site, so that the site
// opens with the network, the VPN or the host down. Pages and the index
// come from the network while it answers, within a few seconds, and from
// the cache when it does not; fingerprinted assets from the cache. The
// build writes the version and the list of files; a new build is a new
// worker, which replaces the old cache. It uses nothing but this origin.
"use strict";
var VERSION = "{{VERSION}}";
var FILES = {{FILES}};
var CACHE = "runbooks-" + VERSION;
var WAIT = 4000; // ms a page may take from the network before the cache answers

var scope = new URL(self.registration.scope);

function url(f) { return new URL(f, scope).href; }

// clean returns a response a page may be given from the cache: a browser
// refuses, for a navigation, one that came through a redirect (as
// "x/index.html" does from hosts that prefer "x/").
function clean(res) {
  if (!res.redirected) return Promise.resolve(res);
  return res.blob().then(function (body) {
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  });
}

self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(CACHE).then(function (cache) {
    var todo = FILES.slice();
    function next() {
      var f = todo.shift();
      if (f === undefined) return Promise.resolve();
      return fetch(new Request(url(f), { cache: "no-cache" })).then(function (res) {
        if (res.ok) return clean(res).then(function (r) { return cache.put(url(f), r); });
      }, function () { /* kept on a later visit */ }).then(next);
    }
    var workers = [];
    for (var i = 0; i < 6; i++) workers.push(next());
    return Promise.all(workers);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.lastIndexOf("runbooks-", 0) === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// kept returns the worker's cache, or undefined once it is gone: only
// install makes it, so that a cache the site deleted when it stopped
// working offline is not made again by a page the old worker still serves.
function kept() {
  return caches.has(CACHE).then(function (has) { return has ? caches.open(CACHE) : undefined; });
}

// cached returns the cached answer for a request: the page itself, or
// the index.html of a folder URL.
function cached(req) {
  var u = new URL(req.url);
  u.search = "";
  u.hash = "";
  return kept().then(function (cache) {
    if (!cache) return undefined;
    return cache.match(u.href).then(function (res) {
      if (res || u.pathname.slice(-1) !== "/") return res;
      return cache.match(u.href + "index.html");
    }).then(function (res) {
      if (res || req.mode !== "navigate") return res;
      return cache.match(url("404.html"));
    });
  });
}

// fresh asks the network, giving up after WAIT, and keeps what it gets.
// A host or proxy error (5xx) counts as no answer.
function fresh(req) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("slow network")); }, WAIT);
    fetch(req).then(function (res) {
      clearTimeout(timer);
      if (res.status >= 500) {
        reject(res);
        return;
      }
      if (res.ok && !new URL(req.url).search) {
        var copy = res.clone();
        Promise.all([kept(), clean(copy)]).then(function (a) { return a[0] && a[0].put(req.url, a[1]); });
      }
      resolve(res);
    }, function (err) { clearTimeout(timer); reject(err); });
  });
}

self.addEventListener("fetch", function (e) {
  var req = e.request;
  if (req.method !== "GET" || req.url.lastIndexOf(scope.href, 0) !== 0) return;
  var asset = new URL(req.url).pathname.indexOf("/assets/") >= 0;
  e.respondWith(asset ?
    cached(req).then(function (res) { return res || fetch(req); }) :
    fresh(req).catch(function (failed) {
      return cached(req).then(function (res) {
        if (res) return res;
        if (failed instanceof Response) return failed;
        throw failed;
      });
    }));
});
