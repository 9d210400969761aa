/*
 * The page's main part: the one request wrapper, polling the
 * process list, the start form, the row actions and the wiring of table and log view.
 */
const TOKEN_KEY = "persistproc.token";

/** The server's access token, when it has one: from this tab's storage or a link's fragment. */
let token = "";
try {
  token = sessionStorage.getItem(TOKEN_KEY) || "";
} catch (_) { /* storage may be disabled: the token form asks each time */ }
// A link may carry the token as #token=... (a fragment is never sent to a server): keep it
// for this tab and take it out of the address bar.
if (location.hash.startsWith("#token=")) {
  useToken(decodeURIComponent(location.hash.slice("#token=".length)));
  history.replaceState(null, "", location.pathname);
}

function useToken(value) {
  token = value;
  try {
    sessionStorage.setItem(TOKEN_KEY, value);
  } catch (_) { /* kept in memory only */ }
  // The server answers with an HttpOnly cookie that signs in new tabs and reloads too.
  request("/api/session", { method: "POST" }).catch(() => {});
}

/** Every request the page makes goes through here, so the token is added in one place. */
function request(path, init) {
  init = init || {};
  const headers = Object.assign({}, init.headers);
  if (token) headers.authorization = "Bearer " + token;
  // Processes started here are listed as started by the dashboard.
  headers["x-persistproc-client"] = "dashboard";
  return fetch(
    path,
    Object.assign({ cache: "no-store", credentials: "same-origin" }, init, { headers }),
  );
}

/**
 * Calls one of the JSON API's hub verbs ("hub/stop", "hub/list"), the same calls the CLI
 * makes.
 */
async function call(path, args) {
  const response = await request("/api/" + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(args),
  });
  const body = await response.json().catch(() => null);
  if (response.status === 401) askForToken();
  if (!response.ok) {
    const error = new Error(body && body.error ? body.error.message : "HTTP " + response.status);
    error.status = response.status;
    throw error;
  }
  return body;
}

function followOutput(pid, lines, signal) {
  return request("/api/hub/follow?pid=" + encodeURIComponent(pid) + "&lines=" + lines, { signal });
}

const byId = (id) => document.getElementById(id);

let toastTimer = 0;
function showError(message) {
  const toast = byId("toast");
  toast.textContent = message;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (toast.hidden = true), 10000);
}

function remember(key, value) {
  try {
    localStorage.setItem("persistproc." + key, value);
  } catch (_) { /* storage may be disabled; remembering is a convenience */ }
}

function recall(key) {
  try {
    return localStorage.getItem("persistproc." + key) || "";
  } catch (_) {
    return "";
  }
}

const state = {
  processes: [],
  selected: decodeURIComponent(location.hash.slice(1)) || null,
  busy: new Map(),
  connected: null,
  listed: false,
  sequence: 0,
  applied: 0,
};

const table = new ProcessTable(byId("process-rows"), byId("empty"), {
  select: (label) => select(label),
  act: (p, action) => act(p, action),
});

const logView = new LogView({
  log: byId("log"),
  title: byId("log-title"),
  subtitle: byId("log-subtitle"),
  footText: byId("log-foot-text"),
  footFile: byId("log-file"),
  pause: byId("log-pause"),
  clear: byId("log-clear"),
  search: byId("log-search"),
  stream: byId("log-stream"),
}, followOutput);

// A hidden tab lets its log's stream go (see tab_connections.js).
logView.setHidden(document.hidden);
document.addEventListener("visibilitychange", () => logView.setHidden(document.hidden));

const timeline = new EventTimeline({
  list: byId("events"),
  empty: byId("events-empty"),
  only: byId("events-only"),
  notify: byId("events-notify"),
}, eventsOpener(request));

function render() {
  table.update(state.processes, Date.now(), state.selected, state.busy);
  const running = state.processes.filter((p) => p.status === "running").length;
  byId("process-count").textContent = state.processes.length
    ? running + " running, " + state.processes.length + " listed"
    : "";
  logView.show(state.selected, state.processes.find((p) => p.label === state.selected) || null);
  timeline.select(state.selected);
}

function select(label) {
  state.selected = label;
  history.replaceState(null, "", label ? "#" + encodeURIComponent(label) : location.pathname);
  render();
}

function setConnected(connected, message) {
  const mode = connected ? "live" : message === "locked" ? "locked" : "down";
  if (state.connected === mode) return;
  state.connected = mode;
  const el = byId("connection");
  el.dataset.state = mode;
  el.textContent = { live: "live", locked: "needs token", down: "disconnected" }[mode];
  el.title = connected ? "Updating every second" : "Cannot reach the server: " + message;
  if (connected) {
    byId("token-form").hidden = true;
    loadHealth();
  }
}

/**
 * Narrow windows hide the columns that matter least (app.css); this toggle shows them again,
 * saying how many are hidden, so that nothing disappears without a way back.
 */
const COLUMN_WIDTHS = [
  ["(max-width: 1360px)", ["Restarts"]],
  ["(max-width: 1100px)", ["Directory", "PID", "Started by"]],
  ["(max-width: 820px)", ["Exit"]],
].map(([query, names]) => [matchMedia(query), names]);

function updateColumnsToggle() {
  const button = byId("columns-toggle");
  const hidden = COLUMN_WIDTHS.flatMap(([media, names]) => (media.matches ? names : []));
  const all = byId("process-table").classList.contains("all-columns");
  button.hidden = hidden.length === 0;
  button.setAttribute("aria-pressed", String(all));
  setText(
    button,
    all ? "Fewer columns" : "+" + hidden.length + (hidden.length === 1 ? " column" : " columns"),
  );
  button.title = (all ? "Hide again: " : "Show the columns this window is too narrow for: ") +
    hidden.join(", ");
}

byId("columns-toggle").addEventListener("click", () => {
  byId("process-table").classList.toggle("all-columns");
  updateColumnsToggle();
});
for (const [media] of COLUMN_WIDTHS) media.addEventListener("change", updateColumnsToggle);
updateColumnsToggle();

function askForToken() {
  const form = byId("token-form");
  if (!form.hidden) return;
  form.hidden = false;
  byId("token-input").focus();
}

byId("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  useToken(byId("token-input").value.trim());
  byId("token-input").value = "";
  refresh();
});

async function loadHealth() {
  try {
    const response = await request("/api/health");
    const health = await response.json();
    byId("server-info").textContent = "v" + health.version + " \u00b7 port " + health.port +
      " \u00b7 " + health.data_dir;
  } catch (_) { /* the connection indicator already tells */ }
}

async function refresh() {
  const sequence = ++state.sequence;
  let processes;
  try {
    processes = await call("hub/list", {});
  } catch (error) {
    setConnected(false, error.status === 401 ? "locked" : error.message);
    return;
  }
  setConnected(true);
  // A slow answer must not undo a newer one.
  if (sequence < state.applied) return;
  state.applied = sequence;
  state.processes = processes;
  if (!state.listed) {
    state.listed = true;
    const first = tableOrder(processes)[0];
    if (!state.selected && first) state.selected = first.label;
  }
  render();
}

async function poll() {
  await refresh();
  setTimeout(poll, 1000);
}

const BUSY_TEXT = { restart: "restarting", stop: "stopping", kill: "killing" };

async function act(p, action) {
  if (
    action === "stop" && !confirm(
      "Stop \u201c" + p.label + "\u201d (PID " + p.pid + ")?\n\n" +
        "Its process group gets SIGTERM, then SIGKILL after 8 seconds.",
    )
  ) return;
  if (
    action === "kill" && !confirm(
      "Kill \u201c" + p.label + "\u201d (PID " + p.pid + ") now?\n\n" +
        "Its whole process group gets SIGKILL, with no chance to clean up.",
    )
  ) return;
  state.busy.set(p.label, BUSY_TEXT[action]);
  render();
  try {
    await call(action === "restart" ? "hub/restart" : "hub/stop", {
      pid: p.pid,
      force: action === "kill" ? true : undefined,
    });
  } catch (error) {
    showError(error.message);
  } finally {
    state.busy.delete(p.label);
    await refresh();
    // A stopped process that restarts moves up among the running ones: keep it in sight.
    table.reveal(p.label);
  }
}

byId("start-directory").value = recall("directory");

byId("start-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const command = byId("start-command").value.trim();
  const directory = byId("start-directory").value.trim();
  const label = byId("start-label").value.trim();
  if (!command || !directory) return;
  const button = byId("start-button");
  button.disabled = true;
  try {
    const result = await call("hub/start", {
      command,
      working_directory: directory,
      label: label || undefined,
    });
    remember("directory", directory);
    byId("start-command").value = "";
    byId("start-label").value = "";
    state.selected = result.label;
    history.replaceState(null, "", "#" + encodeURIComponent(result.label));
  } catch (error) {
    showError(error.message);
  } finally {
    button.disabled = false;
    await refresh();
    table.reveal(state.selected);
  }
});

byId("toast").addEventListener("click", () => (byId("toast").hidden = true));

document.addEventListener("keydown", (event) => {
  const typing = event.target.closest && event.target.closest("input, select, textarea");
  if (event.key === "/" && !typing) {
    event.preventDefault();
    byId("log-search").focus();
  }
});

poll();
