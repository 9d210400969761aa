// deno-lint-ignore-file no-unused-vars no-control-regex
// The page's parts share one scope (see page.ts): what one defines, another uses.
// Matching control characters is the point of this file.
/*
 * The page's reader of terminal colour codes. It turns a line
 * with ANSI SGR sequences into styled segments of plain text; the page puts each segment into
 * a span with `textContent`, so a line can never inject markup. Other escape sequences and
 * control characters are dropped. Colour state does not carry from one line to the next.
 */
const ANSI_SEQUENCE =
  /\x1b\[([0-?]*)[ -\/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -\/]*[0-~]?/g;
const CONTROL_CHARACTERS = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** What a terminal would leave visible of a line that uses carriage returns to redraw itself. */
function lastRedraw(text) {
  const trimmed = text.replace(/\r+$/, "");
  const cut = trimmed.lastIndexOf("\r");
  return cut === -1 ? trimmed : trimmed.slice(cut + 1);
}

function stripAnsi(text) {
  return lastRedraw(text).replace(ANSI_SEQUENCE, "").replace(CONTROL_CHARACTERS, "");
}

function color256(n) {
  if (n < 16) return n;
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return "rgb(" + v + ", " + v + ", " + v + ")";
  }
  const i = n - 16;
  const level = (c) => (c === 0 ? 0 : 55 + c * 40);
  return "rgb(" + level(Math.floor(i / 36)) + ", " + level(Math.floor(i / 6) % 6) + ", " +
    level(i % 6) + ")";
}

function rgbOf(parts) {
  const rgb = parts.map(Number);
  const ok = rgb.length === 3 && rgb.every((v) => Number.isInteger(v) && v >= 0 && v <= 255);
  return ok ? "rgb(" + rgb.join(", ") + ")" : undefined;
}

function paletteOf(n) {
  return Number.isInteger(n) && n >= 0 && n <= 255 ? color256(n) : undefined;
}

/** Reads an extended colour (38/48) at params[i]; returns [colour or undefined, next index]. */
function extendedColor(params, i) {
  const sub = params[i].split(":");
  if (sub.length > 1) {
    // Colon form, all in one parameter: 38:5:n, 38:2:r:g:b or 38:2:colourspace:r:g:b.
    const mode = Number(sub[1]);
    if (mode === 5) return [paletteOf(Number(sub[2])), i + 1];
    if (mode === 2) return [rgbOf(sub.length >= 6 ? sub.slice(3, 6) : sub.slice(2, 5)), i + 1];
    return [undefined, i + 1];
  }
  const mode = Number(params[i + 1]);
  if (mode === 5) return [paletteOf(Number(params[i + 2])), i + 3];
  if (mode === 2) return [rgbOf(params.slice(i + 2, i + 5)), i + 5];
  return [undefined, i + 2];
}

function applySgr(style, paramText) {
  const params = paramText === "" ? ["0"] : paramText.split(";");
  let i = 0;
  while (i < params.length) {
    const code = params[i] === "" ? 0 : parseInt(params[i], 10);
    if (code === 38 || code === 48) {
      const [color, next] = extendedColor(params, i);
      if (color !== undefined) style[code === 38 ? "fg" : "bg"] = color;
      i = next;
      continue;
    }
    if (code === 0) {
      Object.assign(style, ANSI_PLAIN);
    } else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 7) style.inverse = true;
    else if (code === 9) style.strike = true;
    else if (code === 21 || code === 22) style.bold = style.dim = false;
    else if (code === 23) style.italic = false;
    else if (code === 24) style.underline = false;
    else if (code === 27) style.inverse = false;
    else if (code === 29) style.strike = false;
    else if (code >= 30 && code <= 37) style.fg = code - 30;
    else if (code === 39) style.fg = null;
    else if (code >= 40 && code <= 47) style.bg = code - 40;
    else if (code === 49) style.bg = null;
    else if (code >= 90 && code <= 97) style.fg = code - 90 + 8;
    else if (code >= 100 && code <= 107) style.bg = code - 100 + 8;
    i++;
  }
}

const ANSI_PLAIN = {
  fg: null,
  bg: null,
  bold: false,
  dim: false,
  italic: false,
  underline: false,
  strike: false,
  inverse: false,
};

function segmentOf(text, style) {
  const segment = {
    text: text.replace(CONTROL_CHARACTERS, ""),
    fg: style.fg,
    bg: style.bg,
    bold: style.bold,
    dim: style.dim,
    italic: style.italic,
    underline: style.underline,
    strike: style.strike,
  };
  // Inverse video swaps the colours; "default" on either side means the theme's own.
  if (style.inverse) {
    segment.fg = style.bg === null ? "default-bg" : style.bg;
    segment.bg = style.fg === null ? "default-fg" : style.fg;
  }
  return segment;
}

function parseAnsi(text) {
  text = lastRedraw(text);
  const segments = [];
  const style = Object.assign({}, ANSI_PLAIN);
  let at = 0;
  ANSI_SEQUENCE.lastIndex = 0;
  for (let match; (match = ANSI_SEQUENCE.exec(text)) !== null;) {
    if (match.index > at) segments.push(segmentOf(text.slice(at, match.index), style));
    if (match[2] === "m") applySgr(style, match[1]);
    at = ANSI_SEQUENCE.lastIndex;
  }
  if (at < text.length) segments.push(segmentOf(text.slice(at), style));
  const merged = [];
  for (const segment of segments) {
    if (segment.text === "") continue;
    const last = merged[merged.length - 1];
    if (last && sameLook(last, segment)) last.text += segment.text;
    else merged.push(segment);
  }
  return merged;
}

function sameLook(a, b) {
  return a.fg === b.fg && a.bg === b.bg && a.bold === b.bold && a.dim === b.dim &&
    a.italic === b.italic && a.underline === b.underline && a.strike === b.strike;
}
