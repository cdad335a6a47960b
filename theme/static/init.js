// Runs before the page is drawn: marks that JavaScript runs (styles hide
// what only matters without it) and applies the colour scheme the reader
// chose, so a dark page never flashes white.
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  try {
    var theme = localStorage.getItem("runbooks-theme");
    if (theme === "dark" || theme === "light") root.setAttribute("data-theme", theme);
  } catch (e) { /* storage unavailable: follow the system */ }
})();
