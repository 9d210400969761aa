/**
 * The dashboard's style sheet: a quiet neutral look that follows the system's light or dark
 * setting, status colours that read at a glance, and the 16 terminal colours for log lines.
 */

/** The style sheet served at `/app.css`. */
export const APP_CSS = `:root {
  color-scheme: light dark;
  --mono: ui-monospace, "SFMono-Regular", "JetBrains Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace;
  --bg: #f4f5f7;
  --panel: #ffffff;
  --border: #e1e4e8;
  --border-soft: #eef0f2;
  --border-strong: #cfd4da;
  --input: #ffffff;
  --button: #f6f7f9;
  --hover: #f6f8fa;
  --selected: #eef3fd;
  --text: #1c1f23;
  --muted: #69707a;
  --accent: #2c64d6;
  --green: #1a8f4c;
  --amber: #a86a00;
  --red: #cc3340;
  --log-bg: #fbfbfc;
  --err-bg: #fdf3f3;
  --c0: #1c1f23; --c1: #c4262e; --c2: #1e8a3e; --c3: #9a6a00; --c4: #2757c7; --c5: #9b3aa5;
  --c6: #137e87; --c7: #8a9099; --c8: #5b626b; --c9: #e0434b; --c10: #2aa553; --c11: #b98300;
  --c12: #4173e0; --c13: #b955c4; --c14: #1c9aa3; --c15: #c3c8cf;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #131518;
    --panel: #1a1d21;
    --border: #2a2e34;
    --border-soft: #23272c;
    --border-strong: #3a3f46;
    --input: #131518;
    --button: #23272c;
    --hover: #20242a;
    --selected: #1d2838;
    --text: #e3e6ea;
    --muted: #8c939d;
    --accent: #4d86f0;
    --green: #3fbf73;
    --amber: #e0a63a;
    --red: #f0616b;
    --log-bg: #111316;
    --err-bg: #21171a;
    --c0: #3b4048; --c1: #ef5f68; --c2: #4cc47a; --c3: #dfb54b; --c4: #5c92f2; --c5: #c77ad3;
    --c6: #3fbcc4; --c7: #c9ced6; --c8: #6f7782; --c9: #ff7b83; --c10: #6ddb95; --c11: #f0cc6a;
    --c12: #82acff; --c13: #dd99e6; --c14: #6ad8df; --c15: #f2f4f7;
  }
}
* { box-sizing: border-box; }
html, body { height: 100%; }
body {
  margin: 0;
  display: flex;
  flex-direction: column;
  background: var(--bg);
  color: var(--text);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif;
}
.muted { color: var(--muted); }
.top {
  display: flex;
  align-items: center;
  gap: 14px;
  padding: 10px 18px;
  background: var(--panel);
  border-bottom: 1px solid var(--border);
}
.top h1 { margin: 0; font-size: 16px; font-weight: 650; letter-spacing: 0.2px; }
#server-info { font-size: 12px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.connection {
  margin-left: auto;
  display: inline-flex;
  align-items: center;
  gap: 6px;
  font-size: 12px;
  color: var(--muted);
}
.connection::before {
  content: "";
  width: 8px;
  height: 8px;
  border-radius: 50%;
  background: var(--muted);
}
.connection[data-state="live"]::before { background: var(--green); }
.connection[data-state="down"] { color: var(--red); }
.connection[data-state="down"]::before { background: var(--red); }
.token-form {
  display: flex;
  align-items: center;
  flex-wrap: wrap;
  gap: 8px 12px;
  padding: 10px 18px;
  background: var(--selected);
  border-bottom: 1px solid var(--border);
}
.token-form[hidden] { display: none; }
.token-form input { width: 280px; font-family: var(--mono); }
.connection[data-state="locked"] { color: var(--amber); }
.connection[data-state="locked"]::before { background: var(--amber); }
main {
  flex: 1;
  min-height: 0;
  display: flex;
  flex-direction: column;
  gap: 14px;
  padding: 14px 18px 18px;
}
.panel {
  display: flex;
  flex-direction: column;
  min-height: 0;
  background: var(--panel);
  border: 1px solid var(--border);
  border-radius: 8px;
  overflow: hidden;
}
.processes { flex: 0 1 auto; max-height: 45%; }
.logs { flex: 1 1 0; min-height: 220px; }
.panel-head {
  display: flex;
  align-items: center;
  flex-wrap: wrap;
  gap: 8px 12px;
  padding: 10px 12px;
  border-bottom: 1px solid var(--border);
}
h2 { margin: 0; font-size: 14px; font-weight: 600; white-space: nowrap; }
.count { margin-left: 6px; color: var(--muted); font-size: 12px; font-weight: 400; }
.start-form, .log-tools { display: flex; flex-wrap: wrap; gap: 6px; margin-left: auto; }
#start-command { width: 250px; }
#start-directory { width: 250px; }
#start-label { width: 140px; }
#log-search { width: 220px; }
input, select, button {
  font: inherit;
  font-size: 13px;
  color: inherit;
  background: var(--input);
  border: 1px solid var(--border-strong);
  border-radius: 6px;
  padding: 4px 9px;
  min-height: 28px;
}
#start-command, #start-directory { font-family: var(--mono); font-size: 12px; }
input:focus-visible, select:focus-visible, button:focus-visible, tr:focus-visible, .log:focus-visible {
  outline: 2px solid var(--accent);
  outline-offset: -1px;
}
input.invalid { border-color: var(--red); }
button { background: var(--button); cursor: pointer; }
button:hover:not(:disabled) { border-color: var(--muted); }
button:disabled { opacity: 0.4; cursor: default; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 550; }
button.primary:hover:not(:disabled) { filter: brightness(1.08); border-color: var(--accent); }
button.danger:hover:not(:disabled) { color: var(--red); border-color: var(--red); }
button[aria-pressed="true"] { background: var(--selected); border-color: var(--accent); }
.table-wrap { overflow: auto; min-height: 0; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th {
  position: sticky;
  top: 0;
  z-index: 1;
  background: var(--panel);
  color: var(--muted);
  font-size: 12px;
  font-weight: 500;
  text-align: left;
  white-space: nowrap;
  padding: 7px 10px;
  border-bottom: 1px solid var(--border);
}
th.actions-head { text-align: right; }
td {
  padding: 6px 10px;
  border-bottom: 1px solid var(--border-soft);
  white-space: nowrap;
  vertical-align: middle;
}
tbody tr:last-child td { border-bottom: none; }
tbody tr { cursor: pointer; }
tbody tr:hover { background: var(--hover); }
tbody tr.selected { background: var(--selected); box-shadow: inset 3px 0 0 var(--accent); }
.c-by { max-width: 140px; overflow: hidden; text-overflow: ellipsis; color: var(--muted); }
.c-label { max-width: 200px; overflow: hidden; text-overflow: ellipsis; font-weight: 550; }
.c-command, .c-dir { max-width: 260px; overflow: hidden; text-overflow: ellipsis; font-family: var(--mono); font-size: 12px; }
.c-dir { color: var(--muted); }
.c-pid, .c-exit, .c-restarts, .c-uptime { font-variant-numeric: tabular-nums; }
.c-uptime { color: var(--muted); }
.c-exit[data-bad="true"] { color: var(--red); font-weight: 600; }
table:not(.has-ports) .c-ports { display: none; }
.c-ports a { color: var(--accent); margin-right: 6px; font-family: var(--mono); font-size: 12px; }
.c-actions { text-align: right; }
.c-actions button { padding: 2px 9px; min-height: 24px; font-size: 12px; margin-left: 4px; }
.status { display: inline-flex; align-items: center; gap: 7px; font-weight: 550; font-size: 12px; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: var(--muted); flex: none; }
.status[data-status="running"] { color: var(--green); }
.status[data-status="running"] .dot { background: var(--green); box-shadow: 0 0 0 3px color-mix(in srgb, var(--green) 22%, transparent); }
.status[data-status="exited"] { color: var(--muted); }
.status[data-status="stopped"] { color: var(--amber); }
.status[data-status="stopped"] .dot { background: var(--amber); }
.status[data-status="failed"] { color: var(--red); }
.status[data-status="failed"] .dot { background: var(--red); }
.status[data-status="busy"] { color: var(--accent); }
.status[data-status="busy"] .dot { background: var(--accent); }
.empty { margin: 0; padding: 18px 12px; color: var(--muted); }
#log-title { max-width: 45ch; overflow: hidden; text-overflow: ellipsis; }
#log-subtitle { font-size: 12px; white-space: nowrap; }
.log {
  flex: 1;
  min-height: 0;
  overflow: auto;
  contain: content;
  padding: 6px 0;
  background: var(--log-bg);
  font: 12px/1.55 var(--mono);
}
.log:empty::before {
  content: attr(data-placeholder);
  display: block;
  padding: 14px;
  color: var(--muted);
  font-family: system-ui, sans-serif;
  font-size: 13px;
}
.line { display: flex; padding: 0 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.line .t, .line .g { flex: none; margin-right: 12px; color: var(--muted); user-select: none; }
.line .t { opacity: 0.8; }
.line .g { width: 3ch; }
.line .x { flex: 1; min-width: 0; }
.line.stderr { background: var(--err-bg); }
.line.stderr .g { color: var(--red); }
.line.note { color: var(--muted); font-style: italic; }
.line.note .x { color: var(--accent); }
.log-foot {
  display: flex;
  justify-content: space-between;
  gap: 16px;
  padding: 6px 12px;
  border-top: 1px solid var(--border);
  font-size: 12px;
}
#log-foot-text { flex: none; white-space: nowrap; }
#log-file { min-width: 0; font-family: var(--mono); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.toast {
  position: fixed;
  left: 50%;
  bottom: 24px;
  transform: translateX(-50%);
  max-width: min(720px, 90vw);
  padding: 10px 16px;
  border-radius: 8px;
  background: var(--red);
  color: #fff;
  box-shadow: 0 6px 24px rgba(0, 0, 0, 0.25);
  cursor: pointer;
}
.toast[hidden] { display: none; }
.b { font-weight: 700; }
.d { opacity: 0.65; }
.i { font-style: italic; }
.u { text-decoration: underline; }
.s { text-decoration: line-through; }
.u.s { text-decoration: underline line-through; }
.fg-inv { color: var(--log-bg); }
.bg-inv { background: var(--text); }
.fg0 { color: var(--c0); } .fg1 { color: var(--c1); } .fg2 { color: var(--c2); } .fg3 { color: var(--c3); }
.fg4 { color: var(--c4); } .fg5 { color: var(--c5); } .fg6 { color: var(--c6); } .fg7 { color: var(--c7); }
.fg8 { color: var(--c8); } .fg9 { color: var(--c9); } .fg10 { color: var(--c10); } .fg11 { color: var(--c11); }
.fg12 { color: var(--c12); } .fg13 { color: var(--c13); } .fg14 { color: var(--c14); } .fg15 { color: var(--c15); }
.bg0 { background: var(--c0); } .bg1 { background: var(--c1); } .bg2 { background: var(--c2); } .bg3 { background: var(--c3); }
.bg4 { background: var(--c4); } .bg5 { background: var(--c5); } .bg6 { background: var(--c6); } .bg7 { background: var(--c7); }
.bg8 { background: var(--c8); } .bg9 { background: var(--c9); } .bg10 { background: var(--c10); } .bg11 { background: var(--c11); }
.bg12 { background: var(--c12); } .bg13 { background: var(--c13); } .bg14 { background: var(--c14); } .bg15 { background: var(--c15); }
`;
