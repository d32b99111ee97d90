/* skillgraph learner's page (GET /): a form over POST /plan; the route drawn by route_view.js.
 *
 * State lives in the query string: role or cert, have (id:level,...), hpw, budget, free, objective, exp.
 * Opening such an address plans again. Every failure is written in the page.
 */
(function () {
  "use strict";

  var $ = function (id) { return document.getElementById(id); };
  var form = $("lp-form"), target = $("lp-target"), skill = $("lp-skill"), level = $("lp-level");
  var haveList = $("lp-have"), status = $("lp-status"), errorBox = $("lp-error"), result = $("lp-result");
  var state = window.skillgraph = {ready: false, runs: 0, plan: null, error: null};
  var catalog = {role: [], cert: [], skill: []};  // {id, name} from the API's listings
  var labels = {};

  // -- the API's listings --------------------------------------------------------------------
  function listAll(path, field) {
    var items = [];
    function page(offset) {
      return fetch(path + "?limit=500&offset=" + offset, {headers: {Accept: "application/json"}})
        .then(function (r) {
          if (!r.ok) { throw new Error(path + " answered " + r.status); }
          return r.json();
        })
        .then(function (body) {
          body.data.forEach(function (x) { items.push({id: x.id, name: x[field] || x.id}); });
          return items.length < body.count && body.data.length ? page(items.length) : items;
        });
    }
    return page(0);
  }

  function fillOptions(list, entries) {
    list.replaceChildren.apply(list, entries.map(function (e) {
      var o = document.createElement("option");
      o.value = e.name;
      o.label = e.kind + " \u00b7 " + e.id;
      return o;
    }));
  }

  var listings = Promise.all([listAll("/roles", "title"), listAll("/certs", "name"), listAll("/skills", "name")])
    .then(function (found) {
      catalog.role = found[0]; catalog.cert = found[1]; catalog.skill = found[2];
      ["role", "cert", "skill"].forEach(function (k) {
        catalog[k].forEach(function (e) { e.kind = k; labels[e.id] = e.name; });
      });
      fillOptions($("lp-targets"), catalog.role.concat(catalog.cert));
      fillOptions($("lp-skills"), catalog.skill);
      refreshHaveLabels();
    })
    .catch(function (err) {
      $("lp-target-hint").textContent = "Could not load the list of roles and certifications (" + err.message +
        "); type an id instead.";
    });

  // Text typed or picked -> a record: exact id or name first, then the one name containing it.
  function resolve(text, kinds) {
    var q = text.trim().toLowerCase(), pool = [];
    kinds.forEach(function (k) { pool = pool.concat(catalog[k]); });
    if (!q) { return null; }
    var exact = pool.filter(function (e) { return e.id.toLowerCase() === q || e.name.toLowerCase() === q; });
    if (exact.length) { return exact[0]; }
    var partial = pool.filter(function (e) {
      return e.name.toLowerCase().indexOf(q) >= 0 || e.id.toLowerCase().indexOf(q) >= 0;
    });
    return partial.length === 1 ? partial[0] : null;
  }

  // -- what you already know ---------------------------------------------------------------------
  function haveName(ref) {
    var parts = ref.split(":");
    var name = labels[parts[0]] || parts[0];
    return parts[1] ? name + " (L" + parts[1] + ")" : name;
  }

  function addHave(ref, checked) {
    var id = ref.split(":")[0];
    var existing = haveList.querySelector("input[data-id=\"" + CSS.escape(id) + "\"]");
    if (existing) { existing.closest("li").remove(); }
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = checked !== false;
    box.dataset.have = ref;
    box.dataset.id = id;
    var text = document.createElement("span");
    text.textContent = haveName(ref);
    var label = document.createElement("label");
    label.append(box, text);
    var li = document.createElement("li");
    li.appendChild(label);
    haveList.appendChild(li);
  }

  function refreshHaveLabels() {
    haveList.querySelectorAll("input[data-have]").forEach(function (box) {
      box.nextSibling.textContent = haveName(box.dataset.have);
    });
  }

  function addTyped() {
    var text = skill.value.trim();
    if (!text) { return; }
    var found = resolve(text, ["skill"]);
    // A course or cert id (or a typo: the planner names it and suggests) is sent as typed, without a level.
    addHave(found ? found.id + ":" + level.value : text.replace(/\s+/g, "-"));
    skill.value = "";
    skill.focus();
  }

  $("lp-add").addEventListener("click", addTyped);
  skill.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); addTyped(); }
  });

  function have() {
    return Array.prototype.map.call(haveList.querySelectorAll("input[data-have]:checked"), function (b) {
      return b.dataset.have;
    });
  }

  // -- the form <-> the query string <-> the POST /plan body ------------------------------------------
  function fromForm() {
    var q = new URLSearchParams();
    var t = resolve(target.value, ["role", "cert"]);
    var text = target.value.trim();
    if (t) { q.set(t.kind, t.id); } else if (text) { q.set("role", text); }
    if (have().length) { q.set("have", have().join(",")); }
    ["hpw", "budget", "exp"].forEach(function (name) {
      var v = $("lp-" + name).value.trim();
      if (v !== "") { q.set(name, v); }
    });
    if ($("lp-free").checked) { q.set("free", "1"); }
    if ($("lp-objective").value !== "hours") { q.set("objective", $("lp-objective").value); }
    return q;
  }

  function toForm(q) {
    var id = q.get("role") || q.get("cert") || "";
    var kind = q.get("role") ? "role" : "cert";
    var known = catalog[kind].filter(function (e) { return e.id === id; })[0];
    target.value = known ? known.name : id;
    haveList.replaceChildren();
    (q.get("have") || "").split(",").filter(Boolean).forEach(function (ref) { addHave(ref.trim()); });
    $("lp-hpw").value = q.get("hpw") || $("lp-hpw").defaultValue;
    $("lp-budget").value = q.get("budget") || "";
    $("lp-exp").value = q.get("exp") || "";
    $("lp-free").checked = q.get("free") === "1";
    $("lp-objective").value = q.get("objective") || "hours";
  }

  function number(q, name) {
    var v = q.get(name);
    return v === null || v.trim() === "" ? undefined : Number(v);
  }

  function body(q) {
    var b = {have: (q.get("have") || "").split(",").filter(Boolean), target: {},
             objective: q.get("objective") || "hours", alternatives: 2};
    if (q.get("role")) { b.target.role = q.get("role"); }
    if (q.get("cert")) { b.target.cert = q.get("cert"); }
    var hpw = number(q, "hpw");
    if (hpw !== undefined) { b.hours_per_week = hpw; }
    var constraints = {};
    if (number(q, "budget") !== undefined) { constraints.budget = number(q, "budget"); }
    if (q.get("free") === "1") { constraints.free_only = true; }
    if (Object.keys(constraints).length) { b.constraints = constraints; }
    // Sent only when filled in: older servers refuse unknown fields.
    if (number(q, "exp") !== undefined) { b.experience_years = number(q, "exp"); }
    return b;
  }

  // -- answers and failures ---------------------------------------------------------------------
  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function showError(title, lines) {
    result.hidden = true;
    var list = el("ul");
    lines.filter(Boolean).forEach(function (line) { list.appendChild(el("li", line)); });
    errorBox.replaceChildren(el("h2", title), list);
    errorBox.hidden = false;
    state.error = title + ": " + lines.join(" | ");
  }

  function explain(status, payload) {
    var lines = [];
    if (payload && typeof payload === "object") {
      if (payload.detail) { lines.push(String(payload.detail)); }
      (payload.errors || []).forEach(function (e) {
        var line = e.path + ": " + e.msg;
        if (lines.indexOf(line) < 0) { lines.push(line); }
      });
      if (payload.suggestions && payload.suggestions.length) {
        lines.push("Did you mean: " + payload.suggestions.join(", ") + "?");
      }
      if (payload.request_id && status >= 500) { lines.push("request id " + payload.request_id); }
    }
    if (!lines.length) { lines.push("The server answered " + status + " with no explanation."); }
    var title = status === 422 || status === 400 ? "The planner could not take this request" :
      status === 413 ? "This request is too large" :
      status === 503 ? "The server has no catalog loaded yet; try again in a moment" :
      "The server failed (" + status + ")";
    showError(title, lines);
  }

  function showPlan(plan, q) {
    errorBox.hidden = true;
    state.error = null;
    var names = [q.get("role"), q.get("cert")].filter(Boolean).map(function (id) { return labels[id] || id; });
    $("lp-result-title").textContent = "Your route to " + names.join(" and ");
    result.hidden = false;  // before drawing: the cards' rows are measured
    SkillgraphRoute.render($("lp-route"), plan, {labels: labels});
    SkillgraphRoute.alternatives($("lp-alternatives"), plan.alternatives, {labels: labels});
    state.plan = plan;
  }

  function run(q) {
    if (!q.get("role") && !q.get("cert")) {
      showError("Choose a role or a certification first", ["Type in the \u201cRole or certification\u201d box " +
        "and pick one of the suggestions."]);
      state.runs += 1;
      return Promise.resolve();
    }
    status.textContent = "Planning\u2026";
    $("lp-submit").disabled = true;
    var request = fetch("/plan", {method: "POST", headers: {"Content-Type": "application/json",
                                                            Accept: "application/json"},
                                  body: JSON.stringify(body(q))});
    return request.then(function (r) {
      return r.text().then(function (text) {
        var payload = null;
        try { payload = JSON.parse(text); } catch (e) { payload = null; }
        if (!r.ok) { explain(r.status, payload); }
        else if (!payload) { showError("The server's answer could not be read", [text.slice(0, 200)]); }
        else { return listings.then(function () { showPlan(payload, q); }); }
      });
    }).catch(function (err) {
      showError("Could not reach the skillgraph server", [location.origin + ": " + err.message,
        "Check that it is running (skillgraph serve) and try again."]);
    }).finally(function () {
      status.textContent = "";
      $("lp-submit").disabled = false;
      state.runs += 1;
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (skill.value.trim()) { addTyped(); }
    var q = fromForm();
    history.pushState(null, "", "?" + q.toString());
    run(q);
  });

  function fromAddress() {
    var q = new URLSearchParams(location.search);
    toForm(q);
    if (q.get("role") || q.get("cert")) { run(q); }
  }
  state.requestBody = function () { return body(fromForm()); };
  window.addEventListener("popstate", function () { listings.then(fromAddress); });
  listings.then(function () {
    fromAddress();
    state.ready = true;
    document.body.setAttribute("data-ready", "true");
  });
})();
