/* skillgraph route view: draws a planner Plan (the JSON of POST /plan and of
 * `skillgraph plan --format json`) as cards in route order and a week-by-week
 * schedule strip. Shared by the route page and the learner's page at "/".
 *
 * Catalog text is only ever set with textContent, never parsed as HTML.
 *
 *   SkillgraphRoute.render(element, plan, {labels: {id: "Title"}, pace: 10})
 *   SkillgraphRoute.alternatives(element, [plan, ...], options)
 */
(function (root) {
  "use strict";

  var DEFAULT_PACE = 10;  // hours a week, as the CLI and the API default to

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; }
      else if (k === "cls") { node.className = attrs[k]; }
      else if (attrs[k] !== null && attrs[k] !== undefined) { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); }
    });
    return node;
  }

  function num(x) { return String(Math.round(x * 100) / 100); }

  function money(usd) {
    if (usd === null || usd === undefined) { return "price unknown"; }
    var cents = Math.round(usd * 100) % 100 !== 0;
    return "$" + usd.toLocaleString("en-US", {minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: 2});
  }

  function price(step) {
    if (step.cost_usd === 0) { return "free"; }
    return money(step.cost_usd) + (step.free_audit && step.cost_usd ? " (free to audit)" : "");
  }

  // "pandas:2" -> "pandas L2" (level 1 is the plain id), with the label when one is known.
  function skillName(ref, labels) {
    var parts = String(ref).split(":");
    var id = parts[0], level = parts[1];
    var name = (labels && labels[id]) || id;
    return level && level !== "1" ? name + " L" + level : name;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // Week numbers of each step; computed at `pace` when the plan has no schedule (hours_per_week null).
  function weeks(plan, pace) {
    var perWeek = plan.hours_per_week || pace || DEFAULT_PACE;
    var clock = 0, out = [];
    plan.steps.forEach(function (s) {
      var start, end;
      if (s.week_start !== null && s.week_start !== undefined && plan.hours_per_week) {
        start = s.week_start; end = s.week_end;
      } else {
        start = s.hours > 0 ? Math.floor(clock / perWeek) + 1 : Math.max(1, Math.ceil(clock / perWeek - 1e-9));
        end = Math.max(start, Math.ceil((clock + s.hours) / perWeek - 1e-9));
      }
      clock += s.hours;
      out.push({start: start, end: end});
    });
    var total = plan.weeks && plan.hours_per_week ? plan.weeks : out.reduce(function (m, w) {
      return Math.max(m, w.end);
    }, 0);
    return {perWeek: perWeek, steps: out, total: total};
  }

  function targetNames(plan, labels) {
    var t = plan.target || {}, out = [];
    if (t.role) { out.push({kind: "role", id: t.role, name: labels[t.role] || t.role}); }
    if (t.cert) { out.push({kind: "cert", id: t.cert, name: labels[t.cert] || t.cert}); }
    (t.skills || []).forEach(function (s) {
      var ref = typeof s === "string" ? s : s.id + (s.level ? ":" + s.level : "");
      out.push({kind: "skill", id: ref.split(":")[0], name: skillName(ref, labels)});
    });
    return out;
  }

  function summary(plan, w, nth) {
    var bits = [plural(plan.total_steps, "step"), num(plan.total_hours) + " h", money(plan.total_cost_usd)];
    if (plan.steps.length) { bits.push(plural(w.total, "week") + " at " + num(w.perWeek) + " h/week"); }
    // An alternative is proven the cheapest route that differs from those before it, not the cheapest.
    var proof = !plan.feasible ? "no complete route" : plan.optimal ? (nth ? "proven next best" : "proven optimal") :
      (nth ? "found, not proven next best" : "best found, not proven optimal");
    bits.push(proof + " (" + plan.objective + ")");
    return el("p", {cls: "sgr-summary", "data-feasible": String(plan.feasible)}, [bits.join(" \u00b7 ")]);
  }

  function youCard(plan, labels) {
    var have = plan.have || [];
    var list = have.length ? el("ul", {cls: "sgr-have"}, have.map(function (h) {
      return el("li", {text: skillName(h, labels)});
    })) : el("p", {cls: "sgr-muted", text: "nothing yet"});
    return el("li", {cls: "sgr-card sgr-you", "data-card": "you"}, [
      el("div", {cls: "sgr-badge", text: "You"}),
      el("h3", {cls: "sgr-title", text: "What you have"}), list]);
  }

  function stepCard(step, when, byId, labels) {
    var gives = step.gives.concat(step.earns || []).map(function (g) { return skillName(g, labels); });
    var later = (step.serves || []).map(function (id) {
      return byId[id] ? "step " + byId[id].order : skillName(id, labels);
    });
    var facts = el("dl", {cls: "sgr-facts"}, [
      el("dt", {text: "hours"}), el("dd", {text: num(step.hours)}),
      el("dt", {text: "cost"}), el("dd", {text: price(step), title: step.cost_basis || ""}),
      el("dt", {text: "weeks"}), el("dd", {text: when.start === when.end ? String(when.start) :
        when.start + "\u2013" + when.end})]);
    var kind = step.kind + (step.provider ? " \u00b7 " + step.provider : "");
    return el("li", {cls: "sgr-card sgr-step sgr-" + step.kind, "data-card": "step", "data-id": step.id,
                     "data-order": String(step.order)}, [
      el("div", {cls: "sgr-badge", text: String(step.order)}),
      el("h3", {cls: "sgr-title", text: step.title}),
      el("p", {cls: "sgr-kind", text: kind}),
      facts,
      gives.length ? el("p", {cls: "sgr-gives"}, [el("b", {text: "Gives: "}), gives.join(", ")]) : null,
      el("p", {cls: "sgr-why"}, [el("b", {text: "Why: "}), step.reason]),
      (step.notes || []).length ? el("ul", {cls: "sgr-step-notes"}, step.notes.map(function (t) {
        return el("li", {text: "\u26a0 " + t});
      })) : null,
      later.length ? el("p", {cls: "sgr-links"}, [el("b", {text: "Needed by: "}), later.join(", ")]) : null]);
  }

  function targetCard(plan, labels) {
    var goals = plan.goals || [], count = {};
    goals.forEach(function (g) { count[g.status] = (count[g.status] || 0) + 1; });
    var status = ["held", "route", "unreachable", "not-planned"].filter(function (k) { return count[k]; })
      .map(function (k) {
        return count[k] + " " + {held: "already held", route: "on this route", unreachable: "unreachable",
                                 "not-planned": "optional, not planned"}[k];
      });
    return el("li", {cls: "sgr-card sgr-target" + (plan.feasible ? "" : " sgr-infeasible"), "data-card": "target"}, [
      el("div", {cls: "sgr-badge", text: "Goal"}),
      el("ul", {cls: "sgr-goal"}, targetNames(plan, labels).map(function (t) {
        return el("li", {}, [el("span", {cls: "sgr-kind", text: t.kind + " "}),
                             el("h3", {cls: "sgr-title", text: t.name})]);
      })),
      goals.length ? el("p", {cls: "sgr-muted", text: plural(goals.length, "goal item") + ": " + status.join(", ")})
        : null]);
  }

  function schedule(plan, w) {
    var n = Math.max(1, w.total);
    var every = Math.max(1, Math.ceil(n / 26));
    var grid = el("div", {cls: "sgr-gantt", role: "table", "aria-label": "Week by week schedule"});
    grid.style.gridTemplateColumns = "minmax(9em, 16em) repeat(" + n + ", minmax(0, 1fr))";
    grid.appendChild(el("div", {cls: "sgr-axis-name", role: "columnheader", text: "week"}));
    for (var k = 1; k <= n; k++) {
      grid.appendChild(el("div", {cls: "sgr-axis", role: "columnheader",
                                  text: k === 1 || k % every === 0 ? String(k) : ""}));
    }
    plan.steps.forEach(function (s, i) {
      var when = w.steps[i], row = String(i + 2);
      var name = el("div", {cls: "sgr-row-name", role: "rowheader", title: s.title, text: s.order + ". " + s.title});
      name.style.gridRow = row;
      var bar = el("div", {cls: "sgr-bar sgr-" + s.kind, role: "cell", "data-id": s.id,
                           title: s.title + ": weeks " + when.start + "\u2013" + when.end + ", " + num(s.hours) + " h"});
      bar.style.gridRow = row;
      bar.style.gridColumn = (when.start + 1) + " / " + (when.end + 2);
      grid.appendChild(name);
      grid.appendChild(bar);
    });
    return el("section", {cls: "sgr-schedule"}, [
      el("h2", {text: "Week by week at " + num(w.perWeek) + " hours a week"}), grid]);
  }

  function problems(plan, labels) {
    var out = [];
    if (plan.unreachable && plan.unreachable.length) {
      out.push(el("section", {cls: "sgr-unreachable", role: "status"}, [
        el("h2", {text: "Not reachable"}),
        el("ul", {}, plan.unreachable.map(function (u) {
          return el("li", {}, [el("b", {text: skillName(u.id, labels)}), " (" + u.kind + ", " + u.importance + "): " +
                                 u.reason]);
        }))]));
    }
    if (plan.subscriptions && plan.subscriptions.length) {
      out.push(el("section", {cls: "sgr-billing"}, [
        el("h2", {text: "Billed monthly"}),
        el("ul", {}, plan.subscriptions.map(function (b) {
          var steps = plan.steps.filter(function (s) { return b.steps.indexOf(s.id) >= 0; })
            .map(function (s) { return s.order; });
          return el("li", {}, [el("b", {text: b.title}), " for steps " + steps.join(", ") + ": " + b.how]);
        }))]));
    }
    if (plan.warnings && plan.warnings.length) {
      out.push(el("section", {cls: "sgr-warnings"}, [
        el("h2", {text: "Notes"}),
        el("ul", {}, plan.warnings.map(function (t) { return el("li", {text: t}); }))]));
    }
    return out;
  }

  // The arrow between cards points back to the previous card: none on the first card of a row.
  function markRowStarts(list) {
    var top = null;
    Array.prototype.forEach.call(list.children, function (card) {
      card.classList.toggle("sgr-row-start", top !== null && card.offsetTop > top + 2);
      top = card.offsetTop;
    });
  }
  var drawn = [];
  root.addEventListener("resize", function () { drawn.forEach(markRowStarts); });
  if (root.matchMedia) {
    root.matchMedia("print").addEventListener("change", function () { drawn.forEach(markRowStarts); });
  }

  /** Draw `plan` into `element` (replacing what was there). */
  function render(element, plan, options) {
    var opts = options || {}, labels = opts.labels || {};
    var w = weeks(plan, opts.pace);
    var byId = {};
    plan.steps.forEach(function (s) { byId[s.id] = s; });
    var cards = el("ol", {cls: "sgr-cards", "aria-label": "The route, in the order taken"}, [youCard(plan, labels)]
      .concat(plan.steps.map(function (s, i) { return stepCard(s, w.steps[i], byId, labels); }))
      .concat([targetCard(plan, labels)]));
    var parts = [summary(plan, w), cards];
    if (plan.steps.length) { parts.push(schedule(plan, w)); }
    element.replaceChildren.apply(element, parts.concat(problems(plan, labels)));
    drawn = drawn.filter(function (list) { return list.isConnected; }).concat([cards]);
    markRowStarts(cards);
    return element;
  }

  /** The next-best routes, each with its totals and its steps in order. */
  function alternatives(element, plans, options) {
    var labels = (options || {}).labels || {};
    if (!plans || !plans.length) {
      element.replaceChildren(el("p", {cls: "sgr-muted", text: "No other route."}));
      return element;
    }
    element.replaceChildren.apply(element, plans.map(function (p, i) {
      var w = weeks(p, (options || {}).pace);
      return el("details", {cls: "sgr-alternative", "data-alternative": String(i + 1)}, [
        el("summary", {}, ["Alternative " + (i + 1) + ": ", summary(p, w, i + 1).textContent]),
        el("ol", {cls: "sgr-alt-steps"}, p.steps.map(function (s) {
          return el("li", {"data-id": s.id, text: s.title + " (" + num(s.hours) + " h, " + price(s) + ")"});
        })),
        p.steps.length ? null : el("p", {cls: "sgr-muted", text: targetNames(p, labels).map(function (t) {
          return t.name; }).join(", ")})]);
    }));
    return element;
  }

  root.SkillgraphRoute = {render: render, alternatives: alternatives, money: money, weeks: weeks,
                          DEFAULT_PACE: DEFAULT_PACE};
})(window);
