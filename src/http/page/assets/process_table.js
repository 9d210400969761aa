// deno-lint-ignore-file no-unused-vars
// The page's parts share one scope (see page.ts): what one defines, another uses.
/*
 * The page's process table. Rows are keyed by label and
 * updated in place, cell by cell, so a poll every second neither flickers nor swallows a click
 * that lands while it runs.
 */
function formatDuration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return s + "s";
  const m = Math.floor(s / 60);
  if (m < 60) return m + "m " + (s % 60) + "s";
  const h = Math.floor(m / 60);
  if (h < 24) return h + "h " + (m % 60) + "m";
  return Math.floor(h / 24) + "d " + (h % 24) + "h";
}

function uptimeText(p, now) {
  if (p.status === "running") return formatDuration(now - Date.parse(p.start_time));
  if (!p.end_time) return "";
  return "ended " + formatDuration(now - Date.parse(p.end_time)) + " ago";
}

function exitText(p) {
  if (p.status === "running") return "";
  if (p.ended_by_shutdown) return "server shutdown";
  if (p.exit_signal) return p.exit_signal;
  return p.exit_code === null ? "" : String(p.exit_code);
}

/**
 * Ports a process listens on, when the server reports them (numbers or { port } records).
 * Only these are linked: a link to a port nothing listens on leads nowhere.
 */
function portsOf(p) {
  const listed = Array.isArray(p.ports) ? p.ports : [];
  return listed
    .map((x) => (typeof x === "number" ? x : x && typeof x.port === "number" ? x.port : null))
    .filter((x) => Number.isInteger(x) && x > 0 && x < 65536);
}

/** A running process's assigned port while nothing listens on it yet: shown, not linked. */
function idlePort(p, ports) {
  const assigned = p.assigned_port;
  return p.status === "running" && Number.isInteger(assigned) && !ports.includes(assigned)
    ? assigned
    : null;
}

/**
 * The command a default label ("COMMAND in DIR") names, or null for a label of one's own. The
 * command line may go on past it: an assigned port's flag ("-- --port 23885 --strictPort").
 */
function givenCommand(p) {
  const suffix = " in " + p.working_directory;
  if (!p.label.endsWith(suffix)) return null;
  const given = p.label.slice(0, -suffix.length);
  return p.command_line === given || p.command_line.startsWith(given + " ") ? given : null;
}

/**
 * What each row's label cell shows: a default label ("COMMAND in DIR") as the folder's name
 * first, then the command, since that is what tells two such rows apart; the folder gets as
 * many of its last parts as it takes to differ from every other row's. Other labels as given.
 */
function labelTexts(processes) {
  const isDefault = (p) => givenCommand(p) !== null;
  const dirs = [...new Set(processes.filter(isDefault).map((p) => p.working_directory))];
  const tail = (dir, n) => dir.split("/").filter(Boolean).slice(-n).join("/") || "/";
  const names = new Map();
  for (const dir of dirs) {
    let n = 1;
    const depth = dir.split("/").filter(Boolean).length;
    while (n < depth && dirs.some((other) => other !== dir && tail(other, n) === tail(dir, n))) {
      n++;
    }
    names.set(dir, tail(dir, n));
  }
  return new Map(processes.map((p) => [
    p.label,
    isDefault(p) ? names.get(p.working_directory) + " \u00b7 " + givenCommand(p) : p.label,
  ]));
}

/** A long path cut to its last parts, which tell directories apart best. */
function shortPath(path) {
  if (path.length <= 26) return path;
  const parts = path.split("/");
  let tail = parts.pop();
  while (parts.length > 1 && tail.length + parts[parts.length - 1].length < 23) {
    tail = parts.pop() + "/" + tail;
  }
  return "\u2026/" + tail;
}

/**
 * The order of the table's rows: running processes first, by label, so that a restart does
 * not move a row under the pointer; then the ones that ended, the latest first, since the
 * newest failure is the one worth reading.
 */
function tableOrder(processes) {
  const byLabel = (a, b) => a.label.localeCompare(b.label, "en", { numeric: true });
  const ended = (p) => Date.parse(p.end_time || p.start_time) || 0;
  const running = processes.filter((p) => p.status === "running").sort(byLabel);
  const rest = processes.filter((p) => p.status !== "running")
    .sort((a, b) => ended(b) - ended(a) || byLabel(a, b));
  return running.concat(rest);
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

const ACTION_BUTTONS = [
  [
    "restart",
    "Restart",
    "Stop if running, then start again with the same command, directory and label",
  ],
  ["stop", "Stop", "SIGTERM to the whole process group, SIGKILL after 8 seconds"],
  ["kill", "Kill", "SIGKILL the whole process group now"],
];

const COLUMNS = [
  "status",
  "label",
  "command",
  "dir",
  "pid",
  "ports",
  "uptime",
  "exit",
  "restarts",
  "by",
];

class ProcessTable {
  constructor(tbody, empty, actions) {
    this.tbody = tbody;
    this.empty = empty;
    this.actions = actions;
    this.rows = new Map();
    this.byLabel = new Map();
    tbody.addEventListener("click", (event) => {
      const row = event.target.closest("tr[data-label]");
      const p = row && this.byLabel.get(row.dataset.label);
      if (!p) return;
      const button = event.target.closest("button[data-action]");
      if (button) actions.act(p, button.dataset.action);
      else if (!event.target.closest("a")) actions.select(p.label);
    });
    tbody.addEventListener("keydown", (event) => {
      const row = event.target.closest && event.target.closest("tr[data-label]");
      if (row && event.target === row && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        actions.select(row.dataset.label);
      }
    });
  }

  update(processes, now, selected, busy) {
    this.byLabel = new Map(processes.map((p) => [p.label, p]));
    this.labels = labelTexts(processes);
    for (const [label, row] of this.rows) {
      if (!this.byLabel.has(label)) {
        row.remove();
        this.rows.delete(label);
      }
    }
    let previous = null;
    for (const p of tableOrder(processes)) {
      let row = this.rows.get(p.label);
      if (!row) {
        row = this.createRow(p.label);
        this.rows.set(p.label, row);
      }
      const expected = previous ? previous.nextSibling : this.tbody.firstChild;
      if (row !== expected) this.tbody.insertBefore(row, expected);
      this.fillRow(row, p, now, p.label === selected, busy.get(p.label));
      previous = row;
    }
    this.empty.hidden = processes.length > 0;
    // The ports column shows once anything listens (and once the server reports ports).
    this.tbody.parentElement.classList.toggle(
      "has-ports",
      processes.some((p) => portsOf(p).length || idlePort(p, portsOf(p)) !== null),
    );
  }

  createRow(label) {
    const row = document.createElement("tr");
    row.dataset.label = label;
    row.tabIndex = 0;
    row.cells_ = {};
    for (const name of COLUMNS) {
      const td = document.createElement("td");
      td.className = "c-" + name;
      row.cells_[name] = td;
      row.appendChild(td);
    }
    const status = row.cells_.status;
    status.innerHTML =
      '<span class="status"><span class="dot"></span><span class="status-text"></span></span>';
    const actions = document.createElement("td");
    actions.className = "c-actions";
    for (const [action, text, title] of ACTION_BUTTONS) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.action = action;
      button.textContent = text;
      button.title = title;
      if (action !== "restart") button.className = "danger";
      actions.appendChild(button);
    }
    row.appendChild(actions);
    return row;
  }

  fillRow(row, p, now, isSelected, busyText) {
    const c = row.cells_;
    row.classList.toggle("selected", isSelected);
    row.setAttribute("aria-selected", String(isSelected));
    const status = c.status.firstChild;
    status.dataset.status = busyText ? "busy" : p.status;
    setText(status.lastChild, busyText ? busyText + "\u2026" : p.status);
    c.status.title = exitText(p) ? p.status + ": " + exitText(p) : "";
    setText(c.label, this.labels.get(p.label) || p.label);
    c.label.title = p.label;
    setText(c.command, p.command_line);
    c.command.title = p.command.join(" ") + "\nin " + p.working_directory;
    setText(c.dir, shortPath(p.working_directory));
    c.dir.title = p.working_directory;
    setText(c.pid, String(p.pid));
    const ports = portsOf(p);
    this.fillPorts(c.ports, ports, p.assigned_port, idlePort(p, ports));
    setText(c.uptime, uptimeText(p, now));
    c.uptime.title = "started " + new Date(p.start_time).toLocaleString() +
      (p.end_time ? ", ended " + new Date(p.end_time).toLocaleString() : "") +
      (p.restarts ? "; restarted " + p.restarts + (p.restarts === 1 ? " time" : " times") : "");
    setText(c.exit, exitText(p));
    c.exit.dataset.bad = String(p.status === "failed");
    setText(c.restarts, String(p.restarts));
    setText(c.by, p.started_by || "-");
    c.by.title = p.started_by ? "started by " + p.started_by : "";
    const running = p.status === "running";
    for (const button of row.lastChild.children) {
      button.disabled = Boolean(busyText) || (button.dataset.action !== "restart" && !running);
    }
  }

  /** Scrolls the table just enough to show the row, e.g. one just started from the form. */
  reveal(label) {
    const row = this.rows.get(label);
    if (row) row.scrollIntoView({ block: "nearest" });
  }

  fillPorts(td, ports, assigned, idle) {
    const key = ports.join(",") + "/" + assigned + "/" + idle;
    if (td.dataset.ports === key) return;
    td.dataset.ports = key;
    td.textContent = "";
    if (idle !== null) {
      const span = document.createElement("span");
      span.className = "idle-port";
      span.textContent = ":" + idle;
      span.title = "assigned port; nothing listens on it yet";
      td.appendChild(span);
    }
    for (const port of ports) {
      const link = document.createElement("a");
      link.href = location.protocol + "//" + location.hostname + ":" + port + "/";
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.textContent = ":" + port;
      if (port === assigned) link.title = "assigned port (" + location.hostname + ":" + port + ")";
      td.appendChild(link);
    }
  }
}
