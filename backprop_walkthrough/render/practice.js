// The practice page: each answer graded as `check` grades it, in the browser.
//
// The grading program is data (engine/grading/program.py exports it as JSON into the page):
// every figure's recipe and mistaken ways as expression trees. This script is the second
// interpreter of that program — the first is Python's, which `check` runs — and a port of the
// judgement of engine/grading/grade.py and of the answer reader of scenario/arithmetic.py. No
// eval, no Function, no network: the answers are read by a small recursive-descent parser.
"use strict";
(() => {
  const program = JSON.parse(document.getElementById("program").textContent);
  const page = JSON.parse(document.getElementById("page").textContent);

  // --- a learner's number or short arithmetic (scenario/arithmetic.py) ---------------------
  const MAX_LENGTH = 200, MAX_DEPTH = 20, MAX_EXPONENT = 1000, DOUBLE_DIGITS = 17;
  const pow10 = (n) => parseFloat("1e" + n); // correctly rounded, as Python's 10.0 ** n
  const FUNCTIONS = { exp: Math.exp, log: Math.log, sqrt: Math.sqrt };

  function halfUnitOfLiteral(text) {
    text = text.trim().replace(/_/g, "");
    if (/^[+-]?\d*\.?\d*[eE][+-]?\d+$/.test(text)) {
      const [mantissa, exponent] = text.split(/[eE]/);
      const decimals = mantissa.includes(".") ? mantissa.split(".")[1].length : 0;
      return 0.5 * pow10(parseInt(exponent, 10) - decimals);
    }
    const decimal = /^[+-]?(\d*)\.?(\d*)$/.exec(text);
    return decimal ? 0.5 * pow10(-decimal[2].length) : 0;
  }

  function judgedHalfUnit(text) {
    const literal = text.trim().replace(/_/g, "").replace(/^[+-]+/, "");
    const half = halfUnitOfLiteral(literal);
    const digits = literal.split(/[eE]/)[0].replace(".", "").replace(/^0+/, "");
    if (!digits || digits.length > DOUBLE_DIGITS) return 0;
    const size = Math.abs(Number(literal));
    if (Number.isNaN(size)) return 0;
    return half >= size ? 0 : half;
  }

  class NotANumber extends Error {}

  function readAnswer(raw) {
    const source = raw.trim();
    if (!source) throw new NotANumber("empty: expected a number or an arithmetic expression");
    if (source.length > MAX_LENGTH) throw new NotANumber("too long to be a worked number");
    const text = source.replace(/×/g, "*").replace(/·/g, "*").replace(/−/g, "-")
      .replace(/\^/g, "**");
    const tokens = [];
    const pattern = /\s*(?:((?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?)|(\*\*|[-+*/(),])|([A-Za-z_]\w*))/y;
    let at = 0;
    while (at < text.length) {
      if (/^\s*$/.test(text.slice(at))) break;
      pattern.lastIndex = at;
      const m = pattern.exec(text);
      if (!m) throw new NotANumber(`'${source}' is not a number or an arithmetic expression`);
      tokens.push(m[1] !== undefined ? { number: m[1] } : m[2] !== undefined ? { op: m[2] } : { name: m[3] });
      at = pattern.lastIndex;
    }
    let position = 0;
    const literals = [];
    const peek = () => tokens[position];
    const take = (op) => (tokens[position] && tokens[position].op === op ? (position++, true) : false);
    const fail = () => { throw new NotANumber(`'${source}' is not a number or an arithmetic expression`); };
    // Python's grammar: sum > term > unary > power > atom; ** binds to a unary on its right
    function sum(depth) {
      let node = term(depth);
      for (;;) {
        if (take("+")) node = { kind: "+", a: node, b: term(depth) };
        else if (take("-")) node = { kind: "-", a: node, b: term(depth) };
        else return node;
      }
    }
    function term(depth) {
      let node = unary(depth);
      for (;;) {
        if (take("*")) node = { kind: "*", a: node, b: unary(depth) };
        else if (take("/")) node = { kind: "/", a: node, b: unary(depth) };
        else return node;
      }
    }
    function unary(depth) {
      if (depth > MAX_DEPTH) throw new NotANumber(`'${source}' is nested too deeply`);
      if (take("-")) return { kind: "neg", a: unary(depth + 1) };
      if (take("+")) return { kind: "pos", a: unary(depth + 1) };
      return power(depth);
    }
    function power(depth) {
      const base = atom(depth);
      if (take("**")) return { kind: "**", a: base, b: unary(depth + 1) };
      return base;
    }
    function atom(depth) {
      const token = peek();
      if (!token) fail();
      if (token.number !== undefined) {
        position++;
        literals.push(token.number);
        return { kind: "number", value: Number(token.number.replace(/_/g, "")) };
      }
      if (take("(")) {
        const inner = sum(depth + 1);
        if (!take(")")) fail();
        return inner;
      }
      if (token.name !== undefined) {
        position++;
        if (!(token.name in FUNCTIONS) || !take("(")) {
          throw new NotANumber(`'${source}': a name is not allowed (numbers, + − * / **, parentheses, exp, log, sqrt)`);
        }
        const argument = sum(depth + 1);
        if (!take(")")) fail();
        return { kind: "call", name: token.name, a: argument };
      }
      fail();
    }
    const tree = sum(0);
    if (position !== tokens.length) fail();
    const value = evaluateAnswer(tree, source);
    if (!Number.isFinite(value)) throw new NotANumber(`'${source}' is not a finite number`);
    const constant = tree.kind === "number" ||
      ((tree.kind === "neg" || tree.kind === "pos") && tree.a.kind === "number");
    let half;
    if (constant) half = judgedHalfUnit(text);
    else {
      const rounded = literals.filter((t) => t.includes(".") || t.toLowerCase().includes("e"));
      half = rounded.length ? Math.min(...rounded.map(judgedHalfUnit)) : 0;
    }
    return { value, text: source, half };
  }

  function evaluateAnswer(node, source) {
    switch (node.kind) {
      case "number": return node.value;
      case "neg": return -evaluateAnswer(node.a, source);
      case "pos": return evaluateAnswer(node.a, source);
      case "call": {
        const value = FUNCTIONS[node.name](evaluateAnswer(node.a, source));
        if (!Number.isFinite(value)) throw new NotANumber(`'${source}': ${node.name}(…) is undefined`);
        return value;
      }
    }
    const a = evaluateAnswer(node.a, source), b = evaluateAnswer(node.b, source);
    if (node.kind === "+") return a + b;
    if (node.kind === "-") return a - b;
    if (node.kind === "*") return a * b;
    if (node.kind === "/") {
      if (b === 0) throw new NotANumber(`'${source}' divides by zero`);
      return a / b;
    }
    if (Math.abs(b) > MAX_EXPONENT || (Math.abs(a) > 1 && Math.abs(b) * Math.log10(Math.abs(a)) > 308)) {
      throw new NotANumber(`'${source}': the power is too large for a double`);
    }
    if (a < 0 && !Number.isInteger(b)) throw new NotANumber(`'${source}': a negative number to a fractional power`);
    return a ** b;
  }

  // --- the trees (engine/grading/program.py) -------------------------------------------------
  function fsum(values) { // Shewchuk's exactly rounded sum, as Python's math.fsum
    const partials = [];
    for (let x of values) {
      let i = 0;
      for (let y of partials) {
        if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
        const high = x + y, low = y - (high - x);
        if (low) partials[i++] = low;
        x = high;
      }
      partials.length = i;
      partials.push(x);
    }
    if (!partials.every(Number.isFinite)) return values.reduce((s, v) => s + v, 0);
    let n = partials.length, high = 0;
    if (n > 0) {
      high = partials[--n];
      let low = 0;
      while (n > 0) {
        const x = high, y = partials[--n];
        high = x + y;
        low = y - (high - x);
        if (low) break;
      }
      if (n > 0 && ((low < 0 && partials[n - 1] < 0) || (low > 0 && partials[n - 1] > 0))) {
        const y = low * 2, x = high + y;
        if (y === x - high) high = x;
      }
    }
    return high;
  }
  const sigmoid = (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
  const softmax = (nets) => {
    const top = Math.max(...nets);
    const exps = nets.map((n) => Math.exp(n - top));
    const total = fsum(exps);
    return exps.map((e) => e / total);
  };
  const logsumexp = (xs) => {
    const top = Math.max(...xs);
    return top + Math.log(fsum(xs.map((x) => Math.exp(x - top))));
  };
  const need = (ok) => { if (!ok) throw new RangeError("no value"); };
  const TREE_FUNCTIONS = {
    exp: (x) => { const v = Math.exp(x); need(Number.isFinite(v)); return v; },
    log: (x) => { need(x > 0); return Math.log(x); },
    sin: Math.sin,
    cos: Math.cos,
    sigmoid,
    tanh: Math.tanh,
    relu: (x) => (x > 0 ? x : 0),
    leaky_relu: (x, slope) => (x > 0 ? x : slope * x),
    softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
    silu: (x) => x * sigmoid(x),
    softmax: (k, ...nets) => softmax(nets)[Math.trunc(k)],
    log_softmax: (k, ...nets) => {
      const own = nets[Math.trunc(k)];
      if (own >= Math.max(...nets)) {
        return -Math.log1p(fsum(nets.filter((_, j) => j !== Math.trunc(k)).map((n) => Math.exp(n - own))));
      }
      return own - logsumexp(nets);
    },
    log_softmax_complement: (k, ...nets) => {
      const index = Math.trunc(k), out = softmax(nets)[index];
      if (out < 0.5) return Math.log1p(-out);
      return logsumexp(nets.filter((_, j) => j !== index)) - logsumexp(nets);
    },
  };
  const recipes = new Map(program.figures.map((f) => [f.name, f]));
  const order = new Map(program.figures.map((f, i) => [f.name, i]));

  function run(tree, view, fresh) {
    const kind = tree[0];
    if (kind === "f") { need(view.has(tree[1])); return view.get(tree[1]); }
    if (kind === "p") {
      if (fresh && fresh.has("new " + tree[1])) return fresh.get("new " + tree[1]);
      return tree[2] === null ? NaN : tree[2];
    }
    if (kind === "c") return tree[1] === null ? NaN : tree[1];
    if (kind === "after") return after(view);
    if (kind === "pw") {
      for (const [piece, condition] of tree.slice(1)) if (holds(condition, view, fresh)) return run(piece, view, fresh);
      throw new RangeError("no piece applies");
    }
    const args = tree.slice(kind === "fn" ? 2 : 1).map((t) => run(t, view, fresh));
    if (kind === "+") return fsum(args);
    if (kind === "*") return args.reduce((p, v) => p * v, 1);
    if (kind === "^") { const v = args[0] ** args[1]; need(!Number.isNaN(v)); return v; }
    if (kind === "max") return Math.max(...args);
    if (kind === "fn") return TREE_FUNCTIONS[tree[1]](...args);
    throw new TypeError("unknown node " + kind);
  }
  function holds(condition, view, fresh) {
    if (condition[0] === "true") return true;
    const a = run(condition[1], view, fresh), b = run(condition[2], view, fresh);
    return { gt: a > b, ge: a >= b, lt: a < b, le: a <= b }[condition[0]];
  }
  function after(view) {
    const again = new Map();
    for (const name of program.forward) again.set(name, run(recipes.get(name).tree, again, view));
    return again.get(program.total);
  }
  function value(tree, view) {
    if (tree === null) return null;
    try {
      const v = run(tree, view, null);
      return Number.isFinite(v) ? v : null;
    } catch (error) {
      if (error instanceof RangeError || error instanceof TypeError) return null;
      throw error;
    }
  }

  // --- the judgement (engine/grading/grade.py) ----------------------------------------------
  const significant = (text) => {
    const mantissa = text.trim().replace(/^[+\-−]+/, "").split(/[eE]/)[0];
    if (!/^\d*\.?\d*$/.test(mantissa) || !/\d/.test(mantissa)) return 0;
    return mantissa.replace(".", "").replace(/^0+/, "").length;
  };
  const ulp = (x) => {
    x = Math.abs(x);
    if (!Number.isFinite(x)) return NaN;
    if (x === 0) return Number.MIN_VALUE;
    const exponent = Math.floor(Math.log2(x));
    let u = 2 ** (exponent - 52);
    if (u === 0 || !Number.isFinite(u)) u = Number.MIN_VALUE;
    if (x < 2 ** exponent) u /= 2; // log2 rounded up just below a power of two
    else if (x >= 2 ** (exponent + 1)) u *= 2; // or down just above one
    return Math.max(u, Number.MIN_VALUE);
  };
  const slack = (v) => program.slack * Math.abs(v) + 4 * ulp(v);
  function matches(given, v, units = 1, spread = 0) {
    if (v === null || !Number.isFinite(v)) return false;
    return Math.abs(given.value - v) <= units * given.half + spread + slack(v);
  }
  function truncates(given, v, spread = 0) {
    if (v === null || !Number.isFinite(v) || significant(given.text) < 2) return false;
    const unit = 2 * given.half, room = spread + slack(v);
    if (!unit) return false;
    const beyond = v >= 0 ? v - given.value : given.value - v;
    return -room <= beyond && beyond <= unit + room;
  }
  function spreadOf(compute, view, inputs, unsure) {
    const centre = compute(view);
    if (centre === null) return 0;
    let total = 0;
    for (const name of new Set(inputs)) {
      const step = unsure.get(name) || 0;
      if (!step || !view.has(name)) continue;
      const kept = view.get(name);
      view.set(name, kept + step);
      const moved = compute(view);
      view.set(name, kept);
      if (moved !== null) total += Math.abs(moved - centre);
    }
    return total;
  }

  function grade(answers) {
    const view = new Map(), unsure = new Map(), tainted = new Set(), verdicts = new Map();
    const upstreamOf = new Map();
    let work = 0;
    const computing = (tree) => (v) => value(tree, v);
    const slipCompute = (slip) => {
      const scale = slip[2] === null ? 1 : slip[2];
      return (v) => { const x = value(slip[1], v); return x === null ? null : x * scale; };
    };
    const keep = (name, v, u) => { view.set(name, v); unsure.set(name, u); };
    function upstream(name) {
      if (upstreamOf.has(name)) return upstreamOf.get(name);
      const seen = new Set();
      let frontier = [...recipes.get(name).inputs];
      while (frontier.length) {
        const following = [];
        for (const figure of frontier) {
          if (seen.has(figure) || answers.has(figure) || !recipes.has(figure) || recipes.get(figure).tree === null) continue;
          seen.add(figure);
          following.push(...recipes.get(figure).inputs);
        }
        frontier = following;
      }
      const found = [...seen].sort((a, b) => order.get(b) - order.get(a));
      upstreamOf.set(name, found);
      return found;
    }
    function fits(name, given, own, where, slip, scale = 1) {
      if (work > program.work) return false;
      work++;
      let v = slip(own);
      if (v === null) return false;
      v *= scale;
      if (where === name) {
        const spread = spreadOf(slip, own, recipes.get(where).inputs, unsure) * Math.abs(scale);
        return matches(given, v, 1, spread);
      }
      const trial = new Map(own);
      trial.set(where, v);
      const start = order.get(where), stop = order.get(name);
      for (const figure of [...upstream(name)].reverse()) {
        const position = order.get(figure);
        if (!(start < position && position < stop)) continue;
        work++;
        const computed = value(recipes.get(figure).tree, trial);
        if (computed === null) return false;
        trial.set(figure, computed);
      }
      work++;
      const recipe = recipes.get(name), compute = computing(recipe.tree);
      return matches(given, compute(trial), 1, spreadOf(compute, trial, recipe.inputs, unsure));
    }
    function diagnose(name, given, recomputed, inherited) {
      const recipe = recipes.get(name);
      if (recipe.tree === null) return [];
      const found = [];
      if (!inherited && recipe.variant !== null && matches(given, recipe.variant)) {
        found.push([["updated_output_weights"], name]);
      }
      const own = new Map(view);
      own.set(name, recomputed !== null ? recomputed : recipe.expected);
      const precise = given.half <= program.precision * Math.abs(given.value);
      const ups = precise ? upstream(name) : [];
      for (const where of [name, ...ups]) {
        for (const slip of recipes.get(where).slips) {
          if (fits(name, given, own, where, slipCompute(slip))) found.push([[slip[0]], where]);
        }
      }
      if (!found.length) {
        for (const where of [name, ...ups]) {
          const slips = recipes.get(where).slips;
          for (const first of slips) {
            for (const second of slips) {
              if (second[2] === null || second[0] === first[0]) continue;
              if (fits(name, given, own, where, slipCompute(first), second[2])) found.push([[first[0], second[0]], where]);
            }
          }
        }
      }
      const unique = new Map();
      for (const [mistakes, where] of found) {
        const key = [...mistakes].sort().join(" ");
        if (!unique.has(key)) unique.set(key, [mistakes, where]);
      }
      return [...unique.values()];
    }
    for (const figure of program.figures) {
      const name = figure.name, expected = figure.expected, given = answers.get(name);
      if (given === undefined && name === program.after) continue;
      if (given !== undefined) {
        if (matches(given, expected)) {
          keep(name, given.value, given.half);
          verdicts.set(name, { status: "correct", diagnosis: [] });
          continue;
        }
        if (truncates(given, expected)) {
          keep(name, given.value, 2 * given.half);
          verdicts.set(name, { status: "rounding", diagnosis: [], note: "truncated" });
          continue;
        }
      }
      const compute = figure.tree === null ? null : computing(figure.tree);
      const recomputed = compute ? compute(view) : null;
      const spread = compute ? spreadOf(compute, view, figure.inputs, unsure) : 0;
      const inherited = figure.inputs.some((i) => tainted.has(i));
      if (given === undefined) {
        keep(name, recomputed !== null ? recomputed : expected, spread);
        if (inherited) tainted.add(name);
        continue;
      }
      keep(name, given.value, given.half);
      const twice = significant(given.text) >= 4 && matches(given, expected, 2);
      const cut = !twice && truncates(given, recomputed, spread);
      if (matches(given, recomputed, 1, spread) || twice || cut) {
        if (inherited) tainted.add(name);
        if (cut) unsure.set(name, 2 * given.half);
        verdicts.set(name, { status: inherited ? "carried_forward" : "rounding", diagnosis: [], recomputed, note: cut ? "truncated" : "" });
        continue;
      }
      tainted.add(name);
      const found = diagnose(name, given, recomputed, inherited);
      const ids = [...new Set(found.flatMap(([mistakes]) => mistakes))];
      verdicts.set(name, {
        status: "wrong", diagnosis: ids, certain: found.length <= 1, first: !inherited, recomputed,
        where: [...new Set(found.map(([, where]) => where))],
        words: found.map(([mistakes, where]) => mistakes.map((m) => program.mistakes[m]).join(", and ") + (where !== name ? `, in ${where}` : "")).join("; or "),
      });
    }
    return verdicts;
  }

  // --- the page ----------------------------------------------------------------------------
  const boxes = [...document.querySelectorAll("input[data-figure]")];
  const storageKey = "backprop-walkthrough practice " + page.key;
  const hintsTaken = new Map();
  const MARKS = { correct: "✓ correct", rounding: "✓ rounding", carried_forward: "→ carried forward", wrong: "✗ wrong", empty: "" };

  function load() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "{}"); } catch { return {}; }
  }
  function save(texts) {
    try { localStorage.setItem(storageKey, JSON.stringify(texts)); } catch { /* private mode: no memory */ }
  }
  function texts() {
    const out = {};
    for (const box of boxes) if (box.value.trim()) out[box.dataset.figure] = box.value.trim();
    return out;
  }
  function format(v) { return v === null || v === undefined ? "" : String(Number(v.toPrecision(9))); }

  function regrade() {
    const answers = new Map(), unreadable = new Map();
    for (const box of boxes) {
      if (!box.value.trim()) continue;
      try { answers.set(box.dataset.figure, readAnswer(box.value)); } catch (error) {
        if (!(error instanceof NotANumber)) throw error;
        unreadable.set(box.dataset.figure, error.message);
      }
    }
    const verdicts = grade(answers);
    let right = 0, given = 0;
    for (const box of boxes) {
      const name = box.dataset.figure;
      const out = document.querySelector(`[data-verdict="${CSS.escape(name)}"]`);
      const verdict = verdicts.get(name);
      let status = "empty", words = "";
      if (unreadable.has(name)) { words = "✗ " + unreadable.get(name); status = "empty"; }
      else if (verdict) {
        status = verdict.status;
        words = MARKS[status];
        if (verdict.note) words += " (truncated)";
        if (status === "wrong") {
          if (verdict.diagnosis.length) words += ` — ${verdict.certain ? "" : "probably "}${verdict.words} (${verdict.diagnosis.join(", ")})`;
          else words += verdict.first ? " — no known mistake gives it; ask for a hint" : "";
          if (!verdict.first && verdict.recomputed !== null) words += `; from your own figures: ${format(verdict.recomputed)}`;
        }
        if (status === "carried_forward") words += " (right from your own earlier figures)";
      }
      if (answers.has(name)) given++;
      if (status === "correct" || status === "rounding") right++;
      out.dataset.status = status;
      out.dataset.diagnosis = verdict ? verdict.diagnosis.join(" ") : "";
      out.textContent = words;
      box.setAttribute("aria-invalid", status === "wrong" || unreadable.has(name) ? "true" : "false");
    }
    document.querySelector("[data-progress]").textContent = `${given} of ${boxes.length} answered`;
    document.querySelector("[data-score]").textContent = `${right} right`;
    save(texts());
  }

  function download() {
    const lines = [page.yaml_head.trimEnd(), "answers:"];
    for (const [name, text] of Object.entries(texts())) lines.push(`  ${JSON.stringify(name)}: ${JSON.stringify(text)}`);
    const link = document.createElement("a");
    link.href = "data:text/yaml;charset=utf-8," + encodeURIComponent(lines.join("\n") + "\n");
    link.download = page.file_name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function hint(name) {
    const taken = Math.min((hintsTaken.get(name) || 0) + 1, 3);
    hintsTaken.set(name, taken);
    const lines = page.hints[name];
    const shown = lines.slice(0, taken);
    const place = document.querySelector(`[data-hint="${CSS.escape(name)}"]`);
    place.textContent = shown.join("\n");
  }

  const stored = load();
  for (const box of boxes) {
    if (stored[box.dataset.figure] !== undefined) box.value = stored[box.dataset.figure];
    box.addEventListener("change", regrade);
    box.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      regrade();
      const next = boxes[boxes.indexOf(box) + 1];
      if (next) next.focus();
    });
  }
  for (const button of document.querySelectorAll("[data-action=hint]")) {
    button.addEventListener("click", () => hint(button.dataset.for));
  }
  document.querySelector("[data-action=download-answers]").addEventListener("click", download);
  document.querySelector("[data-action=clear]").addEventListener("click", () => {
    for (const box of boxes) box.value = "";
    hintsTaken.clear();
    for (const place of document.querySelectorAll("[data-hint]")) place.textContent = "";
    regrade();
  });
  window.backpropPractice = { grade: (answers) => grade(new Map(Object.entries(answers).map(([k, t]) => [k, readAnswer(t)]))) };
  regrade();
})();
