/* chunkwise playground: a page for people, built only on the public API (the same requests curl makes).
 *
 * Offsets from the API count Unicode code points (Python str indices); JavaScript strings count
 * UTF-16 units, so every offset goes through codePointMap() before it touches the text.
 */
(() => {
  "use strict";

  const SVG = "http://www.w3.org/2000/svg";
  // Longer request bodies are offered as a file for curl instead of an inline -d argument.
  const INLINE_BODY_CHARS = 6000;
  // Segments appended per task while drawing chunks, so a 1 MB text never blocks the tab for long.
  const RENDER_BATCH = 2500;
  const SLIDER_DELAY_MS = 300;

  const $ = (id) => document.getElementById(id);
  const fmt = new Intl.NumberFormat("en");
  const state = {
    info: null,
    fields: new Map(), // option name -> {spec, input}
    choices: new Map(), // strategy name or endpoint path -> {description, options}
    seq: 0, // request counter: answers to superseded requests are dropped
    renderToken: 0,
    result: null, // {text, chunks, metadata, unit, semantic}
    view: null, // {segs, segIds, first, last, nodes, nodeFrom, toU16, tabbable}
    selected: -1,
    sliderTimer: 0,
    document: null, // {name, text, pages, info}: the PDF or DOCX opened, as /extract gave it
  };

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === false || value === null || value === undefined) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    node.append(...children);
    return node;
  }

  function svg(tag, attrs = {}, title = "") {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    if (title) node.appendChild(document.createElementNS(SVG, "title")).textContent = title;
    return node;
  }

  /** Python's len(): code points, so astral characters (emoji) count once. */
  function codePoints(text) {
    return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g) || []).length;
  }

  function setState(name) {
    document.body.dataset.state = name;
  }

  function status(message) {
    $("status").textContent = message;
  }

  /* ---------- the API ---------- */

  class ApiError extends Error {
    constructor(detail) {
      super(detail.message);
      this.detail = detail;
    }
  }

  /** POST a body (JSON text or a form) and return the JSON answer; errors become ApiErrors. */
  async function send(path, body, headers = {}) {
    let response;
    try {
      response = await fetch(path, { method: "POST", headers: { Accept: "application/json", ...headers }, body });
    } catch (err) {
      throw new ApiError({ status: 0, code: "network_error", message: `Could not reach the service: ${err.message}` });
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (response.ok && data) return data;
    if (data && data.error) throw new ApiError(data.error);
    throw new ApiError({
      status: response.status,
      code: "http_error",
      message: `${path} answered ${response.status} ${response.statusText || ""} without a JSON error body.`,
    });
  }

  function post(path, payload) {
    return send(path, payload, { "Content-Type": "application/json" });
  }

  function hasEndpoint(name) {
    return Boolean(state.info && state.info.endpoints && name in state.info.endpoints);
  }

  /* ---------- errors ---------- */

  const FIELD_INPUTS = {
    text: "text",
    file: "file",
    strategy: "strategy",
    question: "question",
    method: "answer-method",
    top_k: "answer-top-k",
  };

  function inputFor(field) {
    if (!field) return null;
    const option = state.fields.get(field.split(".")[0]);
    if (option) return option.input;
    return FIELD_INPUTS[field] ? $(FIELD_INPUTS[field]) : null;
  }

  function clearError() {
    $("error").hidden = true;
    $("error").replaceChildren();
    for (const input of document.querySelectorAll("[aria-invalid]")) {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-errormessage");
    }
  }

  function showError(err) {
    const detail = err instanceof ApiError ? err.detail : { status: 0, code: "page_error", message: String(err) };
    const box = $("error");
    const title = [detail.status ? `Error ${detail.status}` : "Error", detail.code ? `(${detail.code})` : ""];
    box.replaceChildren(el("p", {}, el("strong", {}, title.join(" ").trim()), ": ", detail.message));
    const input = inputFor(detail.field);
    if (detail.field) {
      const where = el("p", { class: "field" }, "Field: ", el("code", {}, detail.field));
      if (input) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-errormessage", "error");
        where.append(" ", el("button", { type: "button", class: "link", onclick: () => input.focus() }, "go to field"));
      }
      box.append(where);
    }
    box.hidden = false;
    status("");
    setState("error");
  }

  /* ---------- the options form, built from GET / ---------- */

  function optionSpec(name, schema) {
    let base = schema;
    let nullable = false;
    if (Array.isArray(schema.anyOf)) {
      const real = schema.anyOf.filter((s) => s.type !== "null");
      nullable = real.length < schema.anyOf.length;
      base = real[0] || {};
    }
    const min = base.minimum ?? base.exclusiveMinimum;
    const max = base.maximum ?? base.exclusiveMaximum;
    // The tokenizers depend on the server's folder, so GET / lists them rather than the schema.
    const choices = name === "tokenizer" && state.info && state.info.tokenizers ? state.info.tokenizers : base.enum;
    const type = choices ? "enum" : base.type || "string";
    return { name, type, nullable, min, max, choices, default: schema.default, doc: schema.description || "" };
  }

  function optionInput(spec) {
    const id = `opt-${spec.name}`;
    const common = { id, name: spec.name, "aria-describedby": `${id}-help`, "data-option": spec.name };
    if (spec.type === "boolean") {
      return el("input", { ...common, type: "checkbox", checked: spec.default === true });
    }
    if (spec.type === "enum") {
      const select = el("select", common);
      if (spec.nullable) select.append(el("option", { value: "" }, "(automatic)"));
      for (const choice of spec.choices) select.append(el("option", { value: String(choice) }, String(choice)));
      select.value = spec.default === null || spec.default === undefined ? "" : String(spec.default);
      return select;
    }
    if (spec.type === "integer" || spec.type === "number") {
      const input = el("input", {
        ...common,
        type: "number",
        inputmode: spec.type === "integer" ? "numeric" : "decimal",
        step: spec.type === "integer" ? "1" : "any",
        min: spec.min,
        max: spec.max,
        placeholder: spec.nullable ? "automatic" : null,
      });
      input.value = spec.default === null || spec.default === undefined ? "" : String(spec.default);
      return input;
    }
    const input = el("input", { ...common, type: "text", placeholder: spec.type === "string" ? null : "JSON" });
    const value = spec.default;
    input.value = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
    return input;
  }

  /** Docstrings mark code as ``name``: show it as code, never as HTML. */
  function richText(text) {
    return text.split("``").map((part, i) => (i % 2 ? el("code", {}, part) : part));
  }

  function describeDefault(spec) {
    const value = spec.default === null || spec.default === undefined ? "automatic" : JSON.stringify(spec.default);
    const bound = (x) => (typeof x === "number" ? fmt.format(x) : "…");
    const range = spec.min !== undefined || spec.max !== undefined ? `; ${bound(spec.min)} to ${bound(spec.max)}` : "";
    return `${spec.doc} (default ${value}${range})`;
  }

  /** What the strategy select offers: a /chunking strategy, or an endpoint of its own ("/semantic-chunking"). */
  function choiceEntry(choice) {
    return state.choices.get(choice) || { options: {}, description: "" };
  }

  function buildOptions(strategy) {
    const previous = new Map([...state.fields].map(([name, f]) => [name, readRaw(f)]));
    const box = $("option-fields");
    box.replaceChildren();
    state.fields.clear();
    const entry = choiceEntry(strategy);
    $("strategy-help").replaceChildren(...richText(entry.description || ""));
    for (const [name, schema] of Object.entries(entry.options || {})) {
      const spec = optionSpec(name, schema);
      const input = optionInput(spec);
      const label = el("label", { for: input.id }, name);
      const help = el("small", { id: `${input.id}-help`, class: "hint" }, ...richText(describeDefault(spec)));
      const field = el("div", { class: `field ${spec.type === "boolean" ? "check" : ""}` });
      field.append(...(spec.type === "boolean" ? [input, label] : [label, input]), help);
      box.append(field);
      state.fields.set(name, { spec, input });
      if (previous.has(name)) writeRaw(state.fields.get(name), previous.get(name));
    }
    if (!state.fields.size) box.append(el("p", { class: "hint" }, "This strategy has no options."));
    const unit = state.fields.get("unit");
    if (unit && state.fields.has("tokenizer")) {
      unit.input.addEventListener("change", syncTokenizer);
      syncTokenizer();
    }
  }

  /** A tokenizer is an option of sizes in tokens only (the API refuses it with another unit). */
  function syncTokenizer() {
    const unit = state.fields.get("unit");
    const tokenizer = state.fields.get("tokenizer");
    if (!unit || !tokenizer) return;
    tokenizer.input.disabled = unit.input.value !== "tokens";
    if (tokenizer.input.disabled) tokenizer.input.value = "";
  }

  function readRaw(field) {
    return field.input.type === "checkbox" ? field.input.checked : field.input.value;
  }

  function writeRaw(field, raw) {
    if (field.input.type === "checkbox") field.input.checked = Boolean(raw);
    else if (field.input.tagName === "SELECT") {
      if ([...field.input.options].some((o) => o.value === raw)) field.input.value = raw;
    } else field.input.value = raw;
  }

  function fieldError(name, message) {
    return new ApiError({ status: 0, code: "invalid_field", message: `${name}: ${message}`, field: name });
  }

  function readValue({ spec, input }) {
    if (spec.type === "boolean") return input.checked;
    const raw = input.value.trim();
    if (input.validity && input.validity.badInput) throw fieldError(spec.name, "not a number");
    if (raw === "") {
      if (spec.nullable) return null;
      return undefined; // left empty: the service's default applies
    }
    if (spec.type === "integer" || spec.type === "number") return Number(raw);
    if (spec.type === "enum" || spec.type === "string") return raw;
    try {
      return JSON.parse(raw);
    } catch {
      throw fieldError(spec.name, "is not valid JSON");
    }
  }

  /** Options that differ from their defaults: what the request (and its curl twin) must say. */
  function readOptions() {
    const options = {};
    for (const [name, field] of state.fields) {
      const value = readValue(field);
      if (value === undefined) continue;
      if (JSON.stringify(value) !== JSON.stringify(field.spec.default ?? null)) options[name] = value;
    }
    return options;
  }

  /* ---------- chunking ---------- */

  function endpointFor(choice) {
    return choice.startsWith("/") ? choice : "/chunking";
  }

  async function runChunking(overrides = {}) {
    clearError();
    let options;
    try {
      options = { ...readOptions(), ...overrides };
    } catch (err) {
      showError(err);
      return;
    }
    const text = $("text").value;
    const strategy = $("strategy").value;
    const path = endpointFor(strategy);
    const body = path === "/chunking" ? { text, strategy, ...options } : { text, ...options };
    const payload = JSON.stringify(body);
    const seq = ++state.seq;
    showCurl("chunk", `POST ${path}`, path, payload);
    setState("busy");
    status(`Chunking ${fmt.format(codePoints(text))} characters with ${strategy}…`);
    const began = performance.now();
    try {
      const data = await post(path, payload);
      if (seq !== state.seq) return;
      const ms = Math.round(performance.now() - began);
      showResult(text, strategy, data, ms);
    } catch (err) {
      if (seq === state.seq) showError(err);
    }
  }

  function showResult(text, strategy, data, ms) {
    const effective = data.params || {};
    const unit =
      effective.unit === "tokens" ? `tokens (${effective.tokenizer})` : effective.unit === "words" ? "words" : "chars";
    const semantic = Array.isArray(data.similarities) ? data : null;
    state.result = {
      text, chars: codePoints(text), strategy, chunks: data.chunks, metadata: data.metadata, unit, semantic,
      parents: data.parents || null,
    };
    clearAnswer();
    const count = data.chunks.length;
    const params = Object.entries(data.params || {}).map(([k, v]) => el("code", {}, `${k}=${JSON.stringify(v)}`));
    const doc = openDocument(text);
    $("summary").replaceChildren(
      el("strong", {}, `${fmt.format(count)} chunk${count === 1 ? "" : "s"}`),
      ` from ${fmt.format(state.result.chars)} characters (${strategy}, ${ms} ms)`,
      ...(doc ? [` of ${doc.name}, ${fmt.format(doc.pages.length)} pages`] : []),
      ...(params.length ? [". Effective options: ", ...params.flatMap((p, i) => (i ? [" ", p] : [p]))] : []));
    drawSemantic(semantic);
    enableAsk(count > 0);
    renderView(text, data.metadata);
  }

  /* ---------- the highlighted view ---------- */

  /** A function from a code point offset to the UTF-16 offset of the same place in `text`. */
  function codePointMap(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (cp) => cp;
    const map = new Uint32Array(text.length + 1);
    let cp = 0;
    for (let i = 0; i < text.length; i++) {
      map[cp++] = i;
      const unit = text.charCodeAt(i);
      if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) i++;
      }
    }
    map[cp] = text.length;
    return (offset) => map[Math.max(0, Math.min(offset, cp))];
  }

  /** Cut the text at every chunk start and end; each piece knows which chunks cover it. */
  function segment(text, metadata) {
    const toU16 = codePointMap(text);
    const n = metadata.length;
    const starts = new Float64Array(n);
    const ends = new Float64Array(n);
    const cuts = new Set([0, text.length]);
    for (let i = 0; i < n; i++) {
      starts[i] = toU16(metadata[i].start);
      ends[i] = toU16(metadata[i].end);
      cuts.add(starts[i]).add(ends[i]);
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => starts[a] - starts[b] || a - b);
    const points = Float64Array.from(cuts).sort();
    const pieces = [];
    let active = [];
    let next = 0;
    for (let k = 0; k + 1 < points.length; k++) {
      const from = points[k];
      const to = points[k + 1];
      active = active.filter((i) => ends[i] > from);
      while (next < n && starts[order[next]] <= from) {
        if (ends[order[next]] > from) active.push(order[next]);
        next++;
      }
      pieces.push({ from, to, ids: active.length ? active.slice().sort((a, b) => a - b) : null });
    }
    return { pieces, toU16, n };
  }

  function renderView(text, metadata) {
    const token = ++state.renderToken;
    const viewBox = $("view");
    viewBox.replaceChildren();
    viewBox.setAttribute("aria-busy", "true");
    viewBox.dataset.count = "0";
    const { pieces, toU16, n } = segment(text, metadata);
    const view = {
      segs: [], segIds: [], nodes: [], nodeFrom: [], toU16, tabbable: null,
      first: new Int32Array(n).fill(-1), last: new Int32Array(n).fill(-1),
      paged: Boolean(openDocument(text)),
    };
    state.view = view;
    state.selected = -1;
    let k = 0;
    const step = () => {
      if (token !== state.renderToken) return;
      const fragment = document.createDocumentFragment();
      for (const stop = Math.min(k + RENDER_BATCH, pieces.length); k < stop; k++) {
        fragment.append(pieceNode(text, pieces[k], view));
      }
      viewBox.append(fragment);
      if (k < pieces.length) {
        status(`Drawing chunks… ${Math.round((100 * k) / pieces.length)}%`);
        setTimeout(step, 0);
        return;
      }
      finishRender(viewBox, n);
    };
    step();
  }

  function pieceNode(text, piece, view) {
    // A PDF's pages are joined by form feeds, which a browser draws as nothing: the
    // one-unit ISO 2047 symbol for a form feed (↡) keeps every offset and shows where a page ends.
    const raw = text.slice(piece.from, piece.to);
    const node = document.createTextNode(view.paged ? raw.replace(/\f/g, "\u21a1") : raw);
    view.nodes.push(node);
    view.nodeFrom.push(piece.from);
    if (!piece.ids) return node;
    const index = view.segs.length;
    const span = document.createElement("span");
    const ids = piece.ids;
    span.className = ids.length > 1 ? "seg ov" : `seg c${ids[0] % 2}`;
    span.dataset.c = ids.join(" ");
    span.dataset.s = String(index);
    for (const id of ids) {
      if (view.first[id] < 0) {
        view.first[id] = index;
        span.classList.add("start");
      }
      view.last[id] = index;
    }
    span.append(node);
    view.segs.push(span);
    view.segIds.push(ids);
    return span;
  }

  function finishRender(viewBox, n) {
    viewBox.dataset.count = String(n);
    viewBox.removeAttribute("aria-busy");
    if (state.view.segs.length) makeTabbable(state.view.segs[0]);
    if (!n) viewBox.append(el("p", { class: "hint" }, "No chunks: the text is empty or only whitespace."));
    $("details").textContent = n ? "Select a chunk to see its offsets and metadata." : "";
    status(`${fmt.format(n)} chunk${n === 1 ? "" : "s"} drawn.`);
    setState("idle");
  }

  function chunkSegments(i) {
    const view = state.view;
    const out = [];
    if (!view || i < 0 || view.first[i] < 0) return out;
    for (let s = view.first[i]; s <= view.last[i]; s++) out.push(view.segs[s]);
    return out;
  }

  function describeChunk(i) {
    const { metadata, unit, chunks } = state.result;
    const meta = metadata[i];
    const lines = [
      `Chunk ${i} of ${chunks.length} (index ${i})`,
      `offsets ${meta.start}–${meta.end} (code points, end exclusive)`,
      `size ${meta.size ?? "?"} ${meta.size === undefined ? "" : unit}`,
    ];
    const doc = openDocument(state.result.text);
    if (doc && meta.page === undefined) {
      const [first, last] = pagesOf(doc, meta.start, meta.end);
      lines.push(first === last ? `page ${first} of ${doc.name}` : `pages ${first}–${last} of ${doc.name}`);
    }
    const parents = state.result.parents;
    for (const [key, value] of Object.entries(meta)) {
      if (["start", "end", "size", "context", "contextualized", "window_end"].includes(key)) continue;
      if (key === "headings") lines.push(`section: ${value.length ? value.join(" › ") : "(before the first heading)"}`);
      else if (key === "table_header") lines.push(`table header: ${value.split("\n")[0]}`);
      else if (key === "parent" && parents && parents[value]) {
        const p = parents[value];
        lines.push(`parent ${value}: offsets ${p.start}–${p.end}, size ${p.size} ${unit}`);
      } else if (key === "window_start") lines.push(`window: offsets ${value}–${meta.window_end}`);
      else lines.push(`${key}: ${JSON.stringify(value)}`);
    }
    return lines;
  }

  function selectChunk(i, { focus = false, scroll = true } = {}) {
    const view = state.view;
    if (!view || i < 0 || i >= view.first.length || view.first[i] < 0) return;
    for (const span of chunkSegments(state.selected)) span.classList.remove("sel");
    state.selected = i;
    const spans = chunkSegments(i);
    for (const span of spans) span.classList.add("sel");
    makeTabbable(spans[0]);
    if (focus) spans[0].focus({ preventScroll: true });
    if (scroll) spans[0].scrollIntoView({ block: "nearest" });
    $("details").replaceChildren(...describeChunk(i).map((line) => el("div", {}, line)));
    $("view").dataset.selected = String(i);
  }

  /** Roving tabindex: one span of the view is in the Tab order, the selected chunk's first. */
  function makeTabbable(span) {
    if (state.view.tabbable === span) return; // removing tabindex would blur a focused span
    if (state.view.tabbable) state.view.tabbable.removeAttribute("tabindex");
    span.tabIndex = 0;
    state.view.tabbable = span;
  }

  function showTip(ids, rect) {
    const tip = $("tip");
    tip.replaceChildren();
    for (const id of ids) tip.append(el("div", { class: "tip-chunk" }, ...describeChunk(id).map((l) => el("div", {}, l))));
    if (ids.length > 1) tip.prepend(el("div", { class: "tip-note" }, `Overlap of ${ids.length} chunks`));
    tip.hidden = false;
    const width = Math.min(360, window.innerWidth - 16);
    tip.style.maxWidth = `${width}px`;
    const left = Math.max(8, Math.min(rect.left, window.innerWidth - width - 8));
    const below = rect.bottom + 8 + tip.offsetHeight < window.innerHeight;
    tip.style.left = `${left}px`;
    tip.style.top = `${below ? rect.bottom + 6 : Math.max(8, rect.top - tip.offsetHeight - 6)}px`;
  }

  function hideTip() {
    $("tip").hidden = true;
  }

  function segOf(target) {
    return target instanceof Element ? target.closest("#view .seg") : null;
  }

  function idsOf(span) {
    return state.view.segIds[Number(span.dataset.s)];
  }

  function wireView() {
    const viewBox = $("view");
    viewBox.addEventListener("mouseover", (event) => {
      const span = segOf(event.target);
      if (span) showTip(idsOf(span), { left: event.clientX, top: event.clientY - 10, bottom: event.clientY + 10 });
    });
    viewBox.addEventListener("mouseleave", hideTip);
    viewBox.addEventListener("click", (event) => {
      const span = segOf(event.target);
      if (span) selectChunk(idsOf(span)[0], { focus: true, scroll: false });
    });
    viewBox.addEventListener("focusin", (event) => {
      const span = segOf(event.target);
      if (!span) return;
      const ids = idsOf(span);
      if (!ids.includes(state.selected)) selectChunk(ids[0], { scroll: false });
      showTip([state.selected], span.getBoundingClientRect());
    });
    viewBox.addEventListener("focusout", hideTip);
    viewBox.addEventListener("keydown", onViewKey);
  }

  function onViewKey(event) {
    const n = state.result ? state.result.chunks.length : 0;
    if (!n || !segOf(event.target)) return;
    const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -Infinity, End: Infinity };
    if (event.key === "Escape") return hideTip();
    if (!(event.key in moves)) return;
    event.preventDefault();
    const target = Math.max(0, Math.min(n - 1, Math.max(state.selected, 0) + moves[event.key]));
    selectChunk(Number.isFinite(target) ? target : 0, { focus: true });
  }

  /* ---------- semantic chunking: similarities, threshold, groups ---------- */

  /** The curve thresholds apply to: the cohesion of the similarities (depth method) or the similarities. */
  function thresholdCurve(data) {
    return Array.isArray(data.cohesion) ? data.cohesion : data.similarities;
  }

  function drawSemantic(data) {
    $("semantic").hidden = !data;
    if (!data) return;
    const sims = data.similarities;
    const threshold = typeof data.threshold === "number" ? data.threshold : 0.5;
    const slider = $("threshold");
    slider.value = String(threshold);
    $("threshold-value").value = threshold.toFixed(2);
    if (data.similarity) $("similarity").value = data.similarity;
    drawPlot(data, threshold);
    previewThreshold(threshold);
    const curve = Array.isArray(data.cohesion) ? "cohesion (1 − valley depth / 2)" : "similarity";
    const choices = (data.threshold_choices || []).map((c) => `${formatNumber(c.threshold)} → ${c.groups}`).join(", ");
    $("plot-summary").textContent =
      `${sims.length} ${data.similarity || "tfidf"} similarities between ${sims.length + 1} units; ` +
      `threshold ${threshold.toFixed(3)} on the ${curve} (${data.threshold_method || "given"}); ` +
      `suggested ${formatNumber(data.suggested_threshold)}; ${(data.groups || []).length} groups` +
      (choices ? `; other thresholds → groups: ${choices}.` : ".");
    fillGroups(data.groups || []);
  }

  /** The similarity selector: the form's option when the strategy has one, and a request at once. */
  function useSimilarity(value) {
    const field = state.fields.get("similarity");
    if (field) field.input.value = value;
    runChunking(field ? {} : { similarity: value });
  }

  function formatNumber(x, digits = 3) {
    return typeof x === "number" ? x.toFixed(digits) : "none";
  }

  function plotFrame(count) {
    const W = 800, H = 200, L = 36, R = 10, T = 10, B = 24;
    const units = Math.max(count + 1, 1);
    return {
      W, H, L, R, T, B,
      x: (u) => L + ((u + 0.5) / units) * (W - L - R), // centre of unit u
      edge: (u) => L + (u / units) * (W - L - R), // left edge of unit u
      y: (s) => T + (1 - Math.max(0, Math.min(1, s))) * (H - T - B),
    };
  }

  function drawPlot(data, threshold) {
    const plot = $("plot");
    plot.replaceChildren();
    const sims = data.similarities;
    const f = plotFrame(sims.length);
    const axes = svg("g", { class: "axes" });
    for (const t of [0, 0.25, 0.5, 0.75, 1]) {
      axes.append(svg("line", { x1: f.L, x2: f.W - f.R, y1: f.y(t), y2: f.y(t), class: "grid" }));
      const label = svg("text", { x: f.L - 4, y: f.y(t) + 4, "text-anchor": "end" });
      label.textContent = t.toFixed(2);
      axes.append(label);
    }
    const caption = svg("text", { x: f.L, y: f.H - 6 });
    caption.textContent = "position in the text (pairs of neighbouring units) →";
    axes.append(caption);
    plot.append(axes, drawGroups(data.groups || [], f));
    const curve = thresholdCurve(data);
    const polyline = (values, cls) => svg("polyline", {
      points: values.map((s, k) => `${f.x(k + 0.5).toFixed(1)},${f.y(s).toFixed(1)}`).join(" "), class: cls });
    if (sims.length) plot.append(polyline(sims, curve === sims ? "sims" : "sims raw"));
    if (sims.length && curve !== sims) plot.append(polyline(curve, "sims cohesion"));
    const points = svg("g", { class: "points" });
    curve.forEach((c, k) => {
      const title = `units ${k} and ${k + 1}: ${data.similarity || "tfidf"} similarity ${sims[k].toFixed(3)}` +
        (curve === sims ? "" : `, cohesion ${c.toFixed(3)}`);
      points.append(svg("circle", { cx: f.x(k + 0.5).toFixed(1), cy: f.y(c).toFixed(1), r: 3, class: "point", "data-s": c }, title));
    });
    plot.append(points);
    const rule = svg("line", { x1: f.L, x2: f.W - f.R, y1: f.y(threshold), y2: f.y(threshold), class: "threshold", id: "threshold-line" });
    plot.append(rule);
  }

  function drawGroups(groups, f) {
    const layer = svg("g", { class: "groups" });
    groups.forEach((group, g) => {
      const members = group.members || [];
      if (!members.length) return;
      const x0 = f.edge(Math.min(...members));
      const x1 = f.edge(Math.max(...members) + 1);
      const range = group.threshold_range;
      const label = `group ${g}: units ${Math.min(...members)}–${Math.max(...members)}; ` +
        (range ? `reproduced by thresholds in (${formatNumber(range[0])}, ${formatNumber(range[1])}]` : "no threshold reproduces it alone (unstable)") +
        `; suggested ${formatNumber(group.suggested_threshold)}`;
      if (range) {
        const top = f.y(range[1]);
        layer.append(svg("rect", { x: x0, width: Math.max(1, x1 - x0), y: top, height: Math.max(1, f.y(range[0]) - top), class: `band b${g % 2}` }, label));
      } else {
        layer.append(svg("rect", { x: x0, width: Math.max(1, x1 - x0), y: f.T, height: 4, class: "band unstable" }, label));
      }
      if (typeof group.suggested_threshold === "number") {
        const y = f.y(group.suggested_threshold);
        layer.append(svg("line", { x1: x0, x2: x1, y1: y, y2: y, class: "suggested" }, label));
      }
      if (g + 1 < groups.length) {
        layer.append(svg("line", { x1: x1, x2: x1, y1: f.T, y2: f.H - f.B, class: "boundary" }, `boundary after group ${g}`));
      }
    });
    return layer;
  }

  /** Move the threshold line and recolour points at once; the request follows when the slider rests. */
  function previewThreshold(threshold) {
    const sims = state.result && state.result.semantic ? state.result.semantic.similarities : [];
    const f = plotFrame(sims.length);
    const cohesive = Boolean(state.result && state.result.semantic && Array.isArray(state.result.semantic.cohesion));
    const rule = $("threshold-line");
    if (rule) {
      rule.setAttribute("y1", f.y(threshold));
      rule.setAttribute("y2", f.y(threshold));
    }
    let splits = 0;
    for (const point of $("plot").querySelectorAll("circle.point")) {
      const below = Number(point.dataset.s) < threshold;
      point.classList.toggle("split", below);
      splits += below;
    }
    $("threshold-value").value = threshold.toFixed(2);
    $("threshold-preview").textContent = `${splits} split${splits === 1 ? "" : "s"} below the line before size limits` +
      (cohesive ? " (the line is on the cohesion curve)." : ".");
  }

  function useThreshold(threshold, { now = false } = {}) {
    previewThreshold(threshold);
    const field = state.fields.get("threshold");
    if (field) field.input.value = String(threshold);
    // A threshold read off the cohesion curve applies to it only with the depth method.
    const semantic = state.result && state.result.semantic;
    const method = semantic && Array.isArray(semantic.cohesion) ? { threshold_method: "depth" } : {};
    const methodField = state.fields.get("threshold_method");
    if (methodField && method.threshold_method) methodField.input.value = "depth";
    clearTimeout(state.sliderTimer);
    const run = () => runChunking(field ? (methodField ? {} : method) : { threshold, ...method });
    if (now) run();
    else state.sliderTimer = setTimeout(run, SLIDER_DELAY_MS);
  }

  function fillGroups(groups) {
    const body = $("groups").tBodies[0];
    body.replaceChildren();
    groups.forEach((group, g) => {
      const members = group.members || [];
      const range = group.threshold_range;
      const t = group.suggested_threshold;
      const use = el("button", { type: "button", class: "secondary", disabled: typeof t !== "number" }, "use");
      use.setAttribute("aria-label", `Use group ${g}'s suggested threshold ${formatNumber(t)}`);
      use.addEventListener("click", () => {
        $("threshold").value = String(t);
        useThreshold(t, { now: true });
      });
      body.append(
        el("tr", {},
          el("td", {}, String(g)),
          el("td", {}, members.length ? `${Math.min(...members)}–${Math.max(...members)}` : "—"),
          el("td", {}, `${group.start ?? "?"}–${group.end ?? "?"}`),
          el("td", {}, range ? `(${formatNumber(range[0])}, ${formatNumber(range[1])}]` : "none (unstable)"),
          el("td", {}, formatNumber(t)),
          el("td", {}, use)));
    });
  }

  /* ---------- asking a question ---------- */

  function enableAsk(on) {
    for (const id of ["question", "answer-method", "answer-top-k", "ask"]) $(id).disabled = !on;
    $("question").placeholder = on ? "What would you like to find?" : "Chunk a text first";
    const maxTopK = state.info && state.info.limits ? state.info.limits.max_top_k : undefined;
    if (maxTopK) $("answer-top-k").max = String(maxTopK);
  }

  function clearAnswer() {
    for (const span of document.querySelectorAll("#view .seg.ans")) span.classList.remove("ans");
    if (window.CSS && CSS.highlights) CSS.highlights.delete("answer-sentence");
    $("answer").hidden = true;
    $("answer").replaceChildren();
    removeCurl("answer");
  }

  async function ask() {
    clearError();
    const result = state.result;
    if (!result || !result.chunks.length) return;
    const topK = $("answer-top-k").value.trim();
    const body = {
      question: $("question").value,
      chunks: result.chunks,
      top_k: topK === "" ? 3 : Number(topK),
      method: $("answer-method").value,
    };
    const payload = JSON.stringify(body);
    const seq = ++state.seq;
    showCurl("answer", "POST /answer", "/answer", payload);
    setState("busy");
    status("Asking…");
    try {
      const data = await post("/answer", payload);
      if (seq !== state.seq || result !== state.result) return;
      showAnswer(data);
      status(data.found ? `Answer found in chunk ${data.chunk_index}.` : "No chunk answers the question.");
      setState("idle");
    } catch (err) {
      if (seq === state.seq) showError(err);
    }
  }

  function showAnswer(data) {
    for (const span of document.querySelectorAll("#view .seg.ans")) span.classList.remove("ans");
    if (window.CSS && CSS.highlights) CSS.highlights.delete("answer-sentence");
    const box = $("answer");
    box.replaceChildren();
    box.hidden = false;
    box.dataset.chunk = data.found ? String(data.chunk_index) : "";
    if (!data.found) {
      box.append(el("p", {}, el("strong", {}, "No answer: "), "no chunk scored above min_score."));
    } else {
      for (const span of chunkSegments(data.chunk_index)) span.classList.add("ans");
      selectChunk(data.chunk_index, { scroll: true });
      highlightSentence(data);
      box.append(
        el("p", {}, el("strong", {}, `Chunk ${data.chunk_index}`), ` · score ${formatNumber(data.score)} · ${data.method || ""}`),
        el("blockquote", { class: "sentence" }, data.sentence || data.answer));
    }
    box.append(rankingTable(data.ranking || []));
  }

  function rankingTable(ranking) {
    const best = Math.max(...ranking.map((r) => r.score), 1e-9);
    const rows = ranking.map((r, rank) => {
      const bar = el("span", { class: "bar" });
      bar.style.width = `${Math.max(0, (100 * r.score) / best).toFixed(1)}%`;
      const show = el("button", { type: "button", class: "link", onclick: () => selectChunk(r.index, { focus: true }) }, `chunk ${r.index}`);
      return el("tr", { "data-index": r.index }, el("td", {}, String(rank + 1)), el("td", {}, show),
        el("td", {}, formatNumber(r.score)), el("td", { class: "bar-cell" }, bar));
    });
    return el("table", { class: "ranking", id: "ranking" },
      el("caption", {}, "Ranking"),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "#"), el("th", { scope: "col" }, "chunk"),
        el("th", { scope: "col" }, "score"), el("th", { scope: "col" }, el("span", { class: "sr" }, "relative score")))),
      el("tbody", {}, ...rows));
  }

  /** Mark the answer sentence inside the drawn text without touching the DOM (CSS Custom Highlight API). */
  function highlightSentence(data) {
    const { text, chunks, metadata } = state.result;
    const index = data.chunk_index;
    const sentence = data.sentence || "";
    const toU16 = state.view.toU16;
    const from = toU16(metadata[index].start);
    // Only where the chunk is the text's own slice (every strategy but html) can the sentence be placed.
    if (!sentence || text.slice(from, toU16(metadata[index].end)) !== chunks[index]) return;
    let start;
    let end;
    if (typeof data.sentence_start === "number" && typeof data.sentence_end === "number") {
      start = toU16(metadata[index].start + data.sentence_start); // code points, like every API offset
      end = toU16(metadata[index].start + data.sentence_end);
    } else {
      const within = chunks[index].indexOf(sentence);
      if (within < 0) return;
      start = from + within;
      end = start + sentence.length;
    }
    if (!(window.CSS && CSS.highlights && window.Highlight)) return;
    const range = document.createRange();
    const a = locate(start);
    const b = locate(end);
    range.setStart(a.node, a.offset);
    range.setEnd(b.node, b.offset);
    CSS.highlights.set("answer-sentence", new Highlight(range));
    // Bring the sentence, not just its chunk's start, into the view's own scroll box.
    const box = $("view");
    const offset = range.getBoundingClientRect().top - box.getBoundingClientRect().top;
    box.scrollTop += offset - box.clientHeight / 3;
  }

  function locate(offset) {
    const { nodes, nodeFrom } = state.view;
    let lo = 0;
    let hi = nodes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (nodeFrom[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { node: nodes[lo], offset: Math.min(offset - nodeFrom[lo], nodes[lo].length) };
  }

  /* ---------- curl ---------- */

  function shellQuote(s) {
    return `'${s.replace(/'/g, "'\\''")}'`;
  }

  function curlCommand(path, payload, file) {
    const head = `curl -s ${location.origin}${path} -H 'Content-Type: application/json'`;
    if (payload.length <= INLINE_BODY_CHARS) return `${head} \\\n  -d ${shellQuote(payload)}`;
    return `${head} \\\n  --data-binary @${file}`;
  }

  function removeCurl(key) {
    const old = document.querySelector(`#curl-list [data-key="${key}"]`);
    if (!old) return;
    if (old.dataset.blob) URL.revokeObjectURL(old.dataset.blob);
    old.remove();
  }

  function showCurl(key, title, path, payload) {
    const list = $("curl-list");
    for (const hint of list.querySelectorAll(".hint")) hint.remove();
    removeCurl(key);
    const file = `${path.slice(1)}-request.json`;
    const command = curlCommand(path, payload, file);
    const code = el("code", { id: `curl-${key}` }, command);
    const copy = el("button", { type: "button", class: "secondary" }, "Copy");
    copy.addEventListener("click", () => copyText(command, copy));
    const figure = el("figure", { class: "curl", "data-key": key },
      el("figcaption", {}, title), el("pre", { tabindex: "0", "aria-label": `curl command for ${title}` }, code), copy);
    if (payload.length > INLINE_BODY_CHARS) {
      const url = URL.createObjectURL(new Blob([payload], { type: "application/json" }));
      figure.dataset.blob = url;
      figure.append(" ", el("a", { href: url, download: file, class: "button secondary" }, `Save ${file}`),
        el("p", { class: "hint" }, `The body is ${fmt.format(payload.length)} characters: save it next to the command.`));
    }
    if (key === "chunk") list.prepend(figure);
    else list.append(figure);
  }

  async function copyText(text, button) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const area = el("textarea", { class: "offscreen", readonly: true });
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    button.textContent = "Copied";
    setTimeout(() => (button.textContent = "Copy"), 1500);
  }

  /* ---------- input ---------- */

  let statsTimer = 0;
  function updateStats() {
    clearTimeout(statsTimer);
    statsTimer = setTimeout(() => {
      const text = $("text").value;
      const limit = state.info && state.info.limits ? state.info.limits.max_text_chars : null;
      const count = codePoints(text);
      $("text-stats").textContent = `${fmt.format(count)} characters` + (limit ? ` (limit ${fmt.format(limit)})` : "");
    }, 150);
  }

  /** PDF and DOCX files are turned into text by POST /extract; the page spans come with it. */
  const DOCUMENT_TYPES = {
    pdf: "application/pdf",
    docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  };

  function extract(file) {
    const form = new FormData();
    form.append("file", file, file.name);
    return send("/extract", form);
  }

  async function openFile() {
    const file = $("file").files[0];
    if (!file) return;
    clearError();
    const ext = file.name.split(".").pop().toLowerCase();
    state.document = null;
    try {
      if (ext in DOCUMENT_TYPES || Object.values(DOCUMENT_TYPES).includes(file.type)) {
        status(`Extracting the text of ${file.name}…`);
        const data = await extract(file);
        state.document = { name: file.name, text: data.text, pages: data.pages, info: data.document };
        $("text").value = data.text;
      } else {
        $("text").value = await file.text();
      }
    } catch (err) {
      showError(err instanceof ApiError ? err : new ApiError({ status: 0, code: "file_error", message: `Could not read ${file.name}: ${err.message}`, field: "file" }));
      return;
    }
    const format = state.document ? state.document.info.format : null;
    const guess = { md: "markdown", markdown: "markdown", html: "html", htm: "html", docx: "markdown" }[ext]
      || (format === "pdf" ? "page" : undefined);
    if (guess && state.choices.has(guess) && $("strategy").value !== guess) {
      $("strategy").value = guess;
      buildOptions(guess);
    }
    updateStats();
    if (state.document && state.document.info.pages) {
      status(`Opened ${file.name}: ${fmt.format(state.document.info.pages)} pages, ${fmt.format(state.document.info.chars)} characters of text. Press Chunk to split it.`);
    } else {
      status(`Opened ${file.name}. Press Chunk to split it.`);
    }
  }

  /** The opened document, while the text is still exactly what /extract gave. */
  function openDocument(text) {
    const doc = state.document;
    return doc && doc.text === text && doc.pages.length ? doc : null;
  }

  /** The pages of the code point span [start, end) of the opened document. */
  function pagesOf(doc, start, end) {
    const pageAt = (offset) => {
      let found = doc.pages[0].page;
      for (const span of doc.pages) {
        if (span.start > offset) break;
        found = span.page;
      }
      return found;
    };
    return [pageAt(start), pageAt(Math.max(start, end - 1))];
  }

  function wireForm() {
    $("chunk-form").addEventListener("submit", (event) => {
      event.preventDefault();
      runChunking();
    });
    $("text").addEventListener("input", updateStats);
    $("text").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        $("chunk-form").requestSubmit();
      }
    });
    $("file").addEventListener("change", openFile);
    $("strategy").addEventListener("change", () => buildOptions($("strategy").value));
    $("reset-options").addEventListener("click", () => {
      state.fields.clear();
      buildOptions($("strategy").value);
    });
    $("ask-form").addEventListener("submit", (event) => {
      event.preventDefault();
      ask();
    });
    const slider = $("threshold");
    slider.addEventListener("input", () => useThreshold(Number(slider.value)));
    slider.addEventListener("change", () => useThreshold(Number(slider.value), { now: true }));
    $("similarity").addEventListener("change", () => useSimilarity($("similarity").value));
  }

  /** Strategies come from GET /'s catalogue; /semantic-chunking's own options from its OpenAPI schema. */
  async function listChoices() {
    const select = $("strategy");
    const strategies = el("optgroup", { label: "POST /chunking" });
    for (const name of Object.keys(state.info.strategies).sort()) {
      state.choices.set(name, state.info.strategies[name]);
      strategies.append(el("option", { value: name }, name));
    }
    select.append(strategies);
    const path = "/semantic-chunking";
    if (!hasEndpoint(`POST ${path}`)) return;
    try {
      const doc = await (await fetch("/openapi.json")).json();
      const options = { ...requestSchema(doc, path).properties };
      delete options.text;
      state.choices.set(path, { description: state.info.endpoints[`POST ${path}`], options });
      select.append(el("optgroup", { label: `POST ${path}` },
        el("option", { value: path }, "semantic, with similarities and thresholds")));
    } catch (err) {
      status(`The similarity view is unavailable: ${err.message}`);
    }
  }

  function requestSchema(doc, path) {
    const resolve = (schema) => {
      const ref = schema && schema.$ref;
      return ref ? resolve(ref.split("/").slice(1).reduce((node, key) => node[key], doc)) : schema;
    };
    let schema = resolve(doc.paths[path].post.requestBody.content["application/json"].schema);
    // One text or a batch of them: the page sends one text, so it reads the alternative with `text`.
    const alternatives = (schema.anyOf || schema.oneOf || []).map(resolve);
    schema = alternatives.find((s) => s.properties && s.properties.text) || schema;
    const properties = {};
    for (const [name, prop] of Object.entries(schema.properties || {})) properties[name] = resolve(prop);
    return { ...schema, properties };
  }

  async function init() {
    wireForm();
    wireView();
    try {
      const response = await fetch("/", { headers: { Accept: "application/json" } });
      state.info = await response.json();
    } catch (err) {
      showError(new ApiError({ status: 0, code: "network_error", message: `Could not load the service description: ${err.message}` }));
      return;
    }
    await listChoices();
    const select = $("strategy");
    select.value = state.info.default_strategy || select.options[0].value;
    buildOptions(select.value);
    updateStats();
    setState("idle");
  }

  document.addEventListener("DOMContentLoaded", init);
})();
