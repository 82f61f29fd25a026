/* Progressive enhancement only: search, copy buttons, embed snippet origin, big-screen cycling,
   what-if scenarios of the money-flow ledger.  Everything on the site is readable without this script. */
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

  // What-if scenarios (Geldstromen): recompute the totals exactly as Ledger.totals() does in
  // Python, from the lines the page exports (accounts/ledger.py: scenario_inputs).
  document.querySelectorAll("[data-scenarios]").forEach(function (box) {
    var data = JSON.parse(box.querySelector("script.geldstromen-data").textContent);
    var form = box.querySelector("form.scenario-form");
    var section = box.closest("section") || document;
    var status = box.querySelector("[data-scenario-status]");
    var chosen = {};
    var totals = function () {
      var inflow = 0, stays = 0, energyOut = 0, otherOut = 0, produced = 0, kinds = {};
      data.lines.forEach(function (line) {
        var share = line.scenario && Object.prototype.hasOwnProperty.call(chosen, line.scenario) ?
          chosen[line.scenario] : line.local_share;
        kinds[line.kind] = true;
        if (line.kind === "in") {
          inflow += line.amount;
        } else if (line.kind === "out") {
          stays += line.amount * share;
          if (line.group === "energie") energyOut += line.amount * (1 - share);
          else otherOut += line.amount * (1 - share);
        } else if (line.kind === "local") {
          stays += line.amount;
          if (line.group === "energie") produced += line.amount;
        }
      });
      return {
        binnen: kinds["in"] ? inflow : null,
        weg: kinds.out ? Math.max(0, energyOut - produced) + otherOut : null,
        blijft: kinds.out || kinds.local ? stays : null
      };
    };
    // Python's f"{x:,.0f}": nearest integer, ties to even; "." between thousands.
    var euro = function (x) {
      var r = Math.round(x);
      if (r - x === 0.5 && r % 2 !== 0) r -= 1;
      return "€ " + String(r).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    };
    var update = function () {
      var t = totals();
      ["binnen", "weg", "blijft"].forEach(function (key) {
        var cell = section.querySelector('[data-total="' + key + '"]');
        if (cell && t[key] !== null && !cell.hasAttribute("data-unknown")) cell.textContent = euro(t[key]);
      });
      if (status) status.textContent = "Stroomt weg: " + (t.weg === null ? "onbekend" : euro(t.weg)) +
        ". Blijft in de buurt: " + (t.blijft === null ? "onbekend" : euro(t.blijft)) + ".";
    };
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-scenario]"));
    inputs.forEach(function (input) {
      input.addEventListener("input", function () {
        var key = input.getAttribute("data-scenario");
        chosen[key] = Number(input.value) / 100;
        var text = input.value + " %";
        input.setAttribute("aria-valuetext", text);
        form.querySelector('output[for="' + input.id + '"]').textContent = text;
        update();
      });
    });
    form.addEventListener("reset", function () {
      setTimeout(function () {
        chosen = {};
        inputs.forEach(function (input) {
          var text = input.getAttribute("data-default-text");
          input.setAttribute("aria-valuetext", text);
          form.querySelector('output[for="' + input.id + '"]').textContent = text;
        });
        update();
      }, 0);
    });
    form.hidden = false;
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
