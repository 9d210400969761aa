import assert from "node:assert/strict";
import ANSI_JS from "./assets/ansi_colours.js" with { type: "text" };

interface Segment {
  text: string;
  fg: number | string | null;
  bg: number | string | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  strike: boolean;
}

// The converter is browser code in a string; evaluate it the way the page does.
const { parseAnsi, stripAnsi } = new Function(`${ANSI_JS}\nreturn { parseAnsi, stripAnsi };`)() as {
  parseAnsi: (text: string) => Segment[];
  stripAnsi: (text: string) => string;
};

function plain(text: string): Segment {
  return {
    text,
    fg: null,
    bg: null,
    bold: false,
    dim: false,
    italic: false,
    underline: false,
    strike: false,
  };
}

Deno.test("parseAnsi() leaves a line without escapes as one plain segment", () => {
  assert.deepEqual(parseAnsi("hello <b>&amp;</b>"), [plain("hello <b>&amp;</b>")]);
});

Deno.test("parseAnsi() turns SGR colours and attributes into segments, reset ends them", () => {
  assert.deepEqual(parseAnsi("a\x1b[1;31mred\x1b[0m b"), [
    plain("a"),
    { ...plain("red"), fg: 1, bold: true },
    plain(" b"),
  ]);
  assert.deepEqual(parseAnsi("\x1b[92;44mx\x1b[39my\x1b[mz"), [
    { ...plain("x"), fg: 10, bg: 4 },
    { ...plain("y"), bg: 4 },
    plain("z"),
  ]);
});

Deno.test("parseAnsi() reads 256-colour and true-colour forms, with ; and :", () => {
  assert.deepEqual(parseAnsi("\x1b[38;5;196ma\x1b[48;2;1;2;3mb"), [
    { ...plain("a"), fg: "rgb(255, 0, 0)" },
    { ...plain("b"), fg: "rgb(255, 0, 0)", bg: "rgb(1, 2, 3)" },
  ]);
  assert.deepEqual(parseAnsi("\x1b[38:5:3mc\x1b[38:2::9:8:7;4md"), [
    { ...plain("c"), fg: 3 },
    { ...plain("d"), fg: "rgb(9, 8, 7)", underline: true },
  ]);
});

Deno.test("parseAnsi() swaps colours for inverse video", () => {
  assert.deepEqual(parseAnsi("\x1b[7;32mx"), [{ ...plain("x"), fg: "default-bg", bg: 2 }]);
});

Deno.test("parseAnsi() drops cursor moves, titles, stray escapes and control characters", () => {
  assert.deepEqual(parseAnsi("\x1b[2K\x1b[?25l\x1b]0;title\x07ok\x07\x1b(B!\x1b"), [plain("ok!")]);
  assert.equal(stripAnsi("\x1b[31mred\x1b[0m\tgreen\x00"), "red\tgreen");
});

Deno.test("parseAnsi() keeps what a terminal shows of a line redrawn with carriage returns", () => {
  assert.deepEqual(parseAnsi("10%\r50%\r100%\r"), [plain("100%")]);
});
