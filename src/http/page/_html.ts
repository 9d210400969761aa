/**
 * The dashboard's markup. It holds no script or style of its own (the Content-Security-Policy
 * forbids inline code); /app.js fills it in.
 */

/** The page served at `/`. */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>persistproc</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header class="top">
  <h1>persistproc</h1>
  <span id="server-info" class="muted"></span>
  <span id="connection" class="connection" data-state="connecting">connecting</span>
</header>
<form id="token-form" class="token-form" autocomplete="off" hidden>
  <label for="token-input">This server needs its access token. On the machine it runs on,
    <code>persistproc open</code> opens this page signed in, and <code>persistproc token</code>
    prints the token to paste here.</label>
  <input id="token-input" type="password" required spellcheck="false">
  <button type="submit" class="primary">Use token</button>
</form>
<main>
  <section class="panel processes" aria-labelledby="processes-title">
    <div class="panel-head">
      <h2 id="processes-title">Processes <span id="process-count" class="count"></span></h2>
      <form id="start-form" class="start-form" autocomplete="off">
        <input id="start-command" name="command" placeholder="Command, e.g. npm run dev"
          aria-label="Command" required spellcheck="false">
        <input id="start-directory" name="directory" placeholder="Directory (absolute path)"
          aria-label="Working directory" required spellcheck="false">
        <input id="start-label" name="label" placeholder="Label (optional)" aria-label="Label"
          spellcheck="false">
        <button type="submit" class="primary" id="start-button">Start</button>
      </form>
    </div>
    <div class="table-wrap">
      <table id="process-table">
        <thead>
          <tr>
            <th>Status</th><th>Label</th><th>Command</th><th>Directory</th><th>PID</th>
            <th class="c-ports">Ports</th><th>Uptime</th><th>Exit</th><th>Restarts</th><th>Started by</th><th class="actions-head">Actions</th>
          </tr>
        </thead>
        <tbody id="process-rows"></tbody>
      </table>
      <p id="empty" class="empty" hidden>No managed processes yet. Start one above, or from an agent or the CLI.</p>
    </div>
  </section>
  <section class="panel logs" aria-labelledby="log-title">
    <div class="panel-head log-head">
      <h2 id="log-title">Output</h2>
      <span id="log-subtitle" class="muted"></span>
      <div class="log-tools">
        <select id="log-stream" aria-label="Stream">
          <option value="">stdout + stderr</option>
          <option value="stdout">stdout</option>
          <option value="stderr">stderr</option>
        </select>
        <input id="log-search" type="search" placeholder="Filter lines (text or /regex/)"
          aria-label="Filter lines" spellcheck="false">
        <button id="log-pause" type="button" aria-pressed="false">Pause</button>
        <button id="log-clear" type="button">Clear</button>
      </div>
    </div>
    <div id="log" class="log" role="log" aria-live="off" tabindex="0"></div>
    <div class="log-foot muted"><span id="log-foot-text"></span><span id="log-file"></span></div>
  </section>
</main>
<div id="toast" class="toast" role="alert" hidden></div>
</body>
</html>
`;
