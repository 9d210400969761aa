// deno-lint-ignore-file no-unused-vars no-control-regex
// The page's parts share one scope (see page.ts): what one defines, another uses.
// A line's control characters are looked for on purpose.
/*
 * How the page draws one log line: time, stream tag and
 * text, with terminal colours as spans. Text only ever enters the page through `textContent`,
 * and colours outside the palette through the CSSOM, which the Content-Security-Policy allows.
 */
function pad(n, width) {
  return String(n).padStart(width, "0");
}

function clock(iso) {
  const t = new Date(iso);
  if (isNaN(t.getTime())) return "";
  return pad(t.getHours(), 2) + ":" + pad(t.getMinutes(), 2) + ":" + pad(t.getSeconds(), 2) +
    "." + pad(t.getMilliseconds(), 3);
}

function endText(p) {
  const how = p.exit_signal
    ? " by " + p.exit_signal
    : p.exit_code !== null
    ? " with code " + p.exit_code
    : "";
  return "PID " + p.pid + " " + p.status + how;
}

function renderSegment(segment) {
  const classes = [];
  if (typeof segment.fg === "number") classes.push("fg" + segment.fg);
  else if (segment.fg === "default-bg") classes.push("fg-inv");
  if (typeof segment.bg === "number") classes.push("bg" + segment.bg);
  else if (segment.bg === "default-fg") classes.push("bg-inv");
  if (segment.bold) classes.push("b");
  if (segment.dim) classes.push("d");
  if (segment.italic) classes.push("i");
  if (segment.underline) classes.push("u");
  if (segment.strike) classes.push("s");
  const custom = typeof segment.fg === "string" && segment.fg.startsWith("rgb");
  const customBg = typeof segment.bg === "string" && segment.bg.startsWith("rgb");
  if (classes.length === 0 && !custom && !customBg) return document.createTextNode(segment.text);
  const span = document.createElement("span");
  if (classes.length) span.className = classes.join(" ");
  // Set through the CSSOM: the Content-Security-Policy forbids style attributes in markup.
  if (custom) span.style.color = segment.fg;
  if (customBg) span.style.backgroundColor = segment.bg;
  span.textContent = segment.text;
  return span;
}

function renderEntry(entry) {
  const line = document.createElement("div");
  line.className = entry.kind === "note" ? "line note" : "line " + entry.stream;
  const time = document.createElement("span");
  time.className = "t";
  time.textContent = clock(entry.time);
  const tag = document.createElement("span");
  tag.className = "g";
  tag.textContent = entry.kind === "note"
    ? "\u2500\u2500"
    : entry.stream === "stderr"
    ? "err"
    : "out";
  const text = document.createElement("span");
  text.className = "x";
  if (/[\x00-\x08\x0b-\x1f\x7f]/.test(entry.text)) {
    for (const segment of parseAnsi(entry.text)) text.appendChild(renderSegment(segment));
  } else {
    text.textContent = entry.text;
  }
  line.append(time, tag, text);
  return line;
}
