/* Progressive enhancement only: search, copy buttons, embed snippet origin, big-screen cycling.
   Everything on the site is readable without this script. */
(function () {
  "use strict";
  var body = document.body;
  var root = body.getAttribute("data-root") || "";
  var siteUrl = body.getAttribute("data-site-url") || "";

  // Embed snippets: without a configured site URL, use the address this page is served from.
  if (!siteUrl) {
    var base = new URL(root || "./", location.href);
    if (base.protocol === "http:" || base.protocol === "https:") {
      var prefix = base.href.replace(/\/$/, "");
      document.querySelectorAll("textarea.snippet").forEach(function (t) {
        t.value = t.value.replace(/var o="[^"]*"/, 'var o="' + base.origin + '"')
          .split("https://JOUW-WIJKBOEKHOUDING.nl").join(prefix);
      });
    }
  }
  document.querySelectorAll("button.copy").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var t = document.getElementById(b.getAttribute("data-copy"));
      var done = b.parentNode.querySelector(".copied");
      t.select();
      var ok = function () { if (done) done.textContent = "Gekopieerd."; };
      if (navigator.clipboard) navigator.clipboard.writeText(t.value).then(ok, function () { document.execCommand("copy"); ok(); });
      else { document.execCommand("copy"); ok(); }
    });
  });

  // Search over area names: a small JSON index, loaded when the field is first used.
  var input = document.getElementById("zoek");
  if (input) {
    var list = document.getElementById("zoek-resultaten");
    var status = document.getElementById("zoek-status");
    var index = null, loading = null;
    var norm = function (s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); };
    var load = function () {
      if (!loading) {
        loading = fetch(input.getAttribute("data-index")).then(function (r) { return r.json(); }).then(function (rows) {
          index = rows.map(function (r) { return { name: r[0], level: r[1], parent: r[2], url: r[3], key: norm(r[0]) }; });
        });
      }
      return loading;
    };
    var show = function () {
      var q = norm(input.value.trim());
      list.textContent = "";
      if (q.length < 2 || !index) { status.textContent = ""; return; }
      var hits = index.filter(function (a) { return a.key.indexOf(q) !== -1; });
      hits.sort(function (a, b) { return (a.key.indexOf(q) === 0 ? 0 : 1) - (b.key.indexOf(q) === 0 ? 0 : 1) || a.name.length - b.name.length; });
      hits.slice(0, 30).forEach(function (a) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = root + a.url;
        link.textContent = a.name;
        var meta = document.createElement("span");
        meta.className = "meta";
        meta.textContent = " — " + a.level + (a.parent ? " in " + a.parent : "");
        li.appendChild(link); li.appendChild(meta); list.appendChild(li);
      });
      status.textContent = hits.length === 0 ? "Geen gebieden gevonden." : hits.length + " gebieden gevonden.";
    };
    input.addEventListener("focus", load);
    input.addEventListener("input", function () { load().then(show); });
    input.form.addEventListener("submit", function (e) {
      e.preventDefault();
      load().then(function () { show(); var first = list.querySelector("a"); if (first) first.focus(); });
    });
  }

  // Big-screen mode: show one theme at a time; ?interval=ms overrides the pace.
  if (body.classList.contains("screen-mode")) {
    var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
    if (slides.length > 1) {
      var param = new URLSearchParams(location.search).get("interval");
      var pace = Math.max(500, parseInt(param, 10) || 12000);
      var at = 0, timer = null;
      var pause = document.querySelector(".screen-pause");
      var go = function (i) {
        slides[at].classList.remove("active");
        at = (i + slides.length) % slides.length;
        slides[at].classList.add("active");
        body.setAttribute("data-slide", slides[at].getAttribute("data-theme"));
      };
      var start = function () { timer = setInterval(function () { go(at + 1); }, pace); pause.textContent = "Pauzeer"; };
      body.classList.add("cycling");
      go(0);
      start();
      pause.hidden = false;
      pause.addEventListener("click", function () {
        if (timer) { clearInterval(timer); timer = null; pause.textContent = "Verder"; } else { start(); }
      });
    }
  }
})();
