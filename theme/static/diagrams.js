// Draws the page's Mermaid diagrams. Pages load it, after the vendored
// mermaid bundle, only when they have a diagram; without JavaScript the
// diagram's source is what the reader gets.
//
// The site's Content-Security-Policy allows no inline style. Mermaid writes
// a diagram's CSS into a <style> element and its layout into style=""
// attributes, both of which the policy blocks, whether set one by one or
// parsed from a string (even into a document that is never shown). So while
// it draws, each way in is turned into CSSOM calls, which the policy
// allows: a <style> becomes a constructed style sheet, and a style
// attribute becomes element.style, set after parsing.
(function () {
  "use strict";

  var figures = document.querySelectorAll("figure.diagram[data-diagram=mermaid]");
  if (!figures.length || !window.mermaid || !("adoptedStyleSheets" in document)) return;

  function addCSS(text) {
    if (!text || !text.trim()) return;
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
  }

  function isStyleElement(node) {
    return node && node.nodeType === 1 && node.localName === "style";
  }

  // HIDDEN holds a style attribute's value while markup is parsed.
  var HIDDEN = "data-csp-style";

  // hideStyles returns markup with its <style> elements taken out (their
  // CSS is adopted) and its style attributes renamed. In serialized HTML
  // "<" never appears unescaped outside a tag, so a tag is "<...>".
  function hideStyles(markup) {
    return String(markup)
      .replace(/<style\b[^>]*>([\s\S]*?)<\/style>/gi, function (_, css) { addCSS(css); return ""; })
      .replace(/<[^>]+>/g, function (tag) {
        return tag.replace(/(\s)style\s*=\s*("[^"]*"|'[^']*')/gi, "$1" + HIDDEN + "=$2");
      });
  }

  // showStyles applies the renamed style attributes under root.
  function showStyles(root) {
    if (root.nodeType === 1 && root.hasAttribute(HIDDEN)) showStyle(root);
    root.querySelectorAll("[" + HIDDEN + "]").forEach(showStyle);
  }

  function showStyle(e) {
    var v = e.getAttribute(HIDDEN);
    e.removeAttribute(HIDDEN);
    if (e.style) e.style.cssText = v;
  }

  // whileDrawing runs draw with every way mermaid writes styles turned into
  // CSSOM calls, and puts everything back when it settles.
  function whileDrawing(draw) {
    var el = Element.prototype, node = Node.prototype, parser = DOMParser.prototype;
    var setAttribute = el.setAttribute, appendChild = node.appendChild, insertBefore = node.insertBefore;
    var parseFromString = parser.parseFromString;
    var innerHTML = Object.getOwnPropertyDescriptor(el, "innerHTML");
    el.setAttribute = function (name, value) {
      if (String(name).toLowerCase() === "style" && this.style) {
        this.style.cssText = value;
        return;
      }
      return setAttribute.call(this, name, value);
    };
    node.appendChild = function (child) {
      if (isStyleElement(child)) { addCSS(child.textContent); return child; }
      return appendChild.call(this, child);
    };
    node.insertBefore = function (child, ref) {
      if (isStyleElement(child)) { addCSS(child.textContent); return child; }
      return insertBefore.call(this, child, ref);
    };
    parser.parseFromString = function (markup, type) {
      var doc = parseFromString.call(this, hideStyles(markup), type);
      showStyles(doc);
      return doc;
    };
    Object.defineProperty(el, "innerHTML", {
      configurable: true,
      enumerable: innerHTML.enumerable,
      get: innerHTML.get,
      set: function (markup) {
        if (isStyleElement(this)) { innerHTML.set.call(this, markup); return; }
        innerHTML.set.call(this, hideStyles(markup));
        showStyles(this);
      }
    });
    function restore() {
      el.setAttribute = setAttribute;
      node.appendChild = appendChild;
      node.insertBefore = insertBefore;
      parser.parseFromString = parseFromString;
      Object.defineProperty(el, "innerHTML", innerHTML);
    }
    return Promise.resolve().then(draw).then(function (v) { restore(); return v; },
      function (e) { restore(); throw e; });
  }

  // place puts the SVG mermaid returned into box, styles applied through
  // CSSOM.
  function place(box, svgText) {
    var doc = new DOMParser().parseFromString(hideStyles(svgText), "text/html");
    var svg = doc.querySelector("svg");
    if (!svg) throw new Error("mermaid returned no SVG");
    box.appendChild(document.adoptNode(svg));
    showStyles(svg);
  }

  function dark() {
    var t = document.documentElement.getAttribute("data-theme");
    if (t) return t === "dark";
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  window.mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    suppressErrorRendering: true,
    theme: dark() ? "dark" : "default",
    fontFamily: getComputedStyle(document.body).fontFamily
  });

  // Diagrams are drawn one after another: mermaid keeps one drawing area.
  var done = Promise.resolve();
  figures.forEach(function (fig, i) {
    var source = fig.querySelector(".diagram-source");
    if (!source) return;
    var id = "diagram-" + (i + 1);
    done = done.then(function () {
      return whileDrawing(function () { return window.mermaid.render(id, source.textContent); })
        .then(function (out) {
          var box = document.createElement("div");
          box.className = "diagram-svg";
          place(box, out.svg);
          fig.insertBefore(box, source);
          fig.classList.add("is-drawn");
        }, function (err) {
          var left = document.getElementById("d" + id);
          if (left) left.remove();
          var p = document.createElement("p");
          p.className = "diagram-error";
          p.setAttribute("role", "alert");
          p.textContent = "This diagram could not be drawn: " + String((err && err.message) || err).trim();
          fig.insertBefore(p, source);
          fig.classList.add("has-error");
        });
    });
  });
})();
