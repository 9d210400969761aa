// deno-lint-ignore-file no-unused-vars
// The page's parts share one scope (see page.ts): what one defines, another uses.
/*
 * The page's event timeline: what happened to the processes (starts, crashes with their last
 * stderr lines, restarts, ports), newest first, for all of them or only the selected one, over
 * the hub's NDJSON event stream. When the user allows it, a crash or an autorestart that gives
 * up also shows as a desktop notification (the browser's Notification API).
 */
const TIMELINE_EVENTS = 200;

class EventTimeline {
  constructor(ui, open) {
    this.ui = ui;
    this.open = open;
    this.events = [];
    this.lastId = null;
    this.selected = null;
    ui.only.addEventListener("change", () => this.draw());
    ui.notify.addEventListener("click", () => this.askToNotify());
    this.showNotifyState();
    this.connect();
  }

  /** Called when the selected process changes: the timeline may show only its events. */
  select(label) {
    if (label === this.selected) return;
    this.selected = label;
    this.draw();
  }

  async connect() {
    for (;;) {
      try {
        const query = this.lastId === null ? "limit=" + TIMELINE_EVENTS : "after=" + this.lastId;
        const response = await this.open(query);
        if (!response.ok) throw new Error("HTTP " + response.status);
        await readNdjson(response, (record) => this.receive(record));
      } catch (_) { /* the server is away: the process list says so; try again soon */ }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  receive(record) {
    if (record.type === "events") {
      for (const event of record.backlog) this.add(event);
      if (this.lastId === null) this.lastId = record.last_id;
    } else {
      this.add(record);
      if (record.kind === "autorestart_gave_up" || record.crashed) this.notify(record);
    }
    this.draw();
  }

  add(event) {
    this.lastId = Math.max(this.lastId || 0, event.id);
    this.events.push(event);
    if (this.events.length > TIMELINE_EVENTS) this.events.shift();
  }

  draw() {
    const only = this.ui.only.checked && this.selected;
    const shown = this.events.filter((event) => !only || event.label === this.selected);
    const items = shown.slice().reverse().map((event) => {
      const item = document.createElement("li");
      item.dataset.kind = event.crashed ? "crashed" : event.kind;
      const time = document.createElement("time");
      time.dateTime = event.time;
      time.textContent = clock(event.time).slice(0, 8); // HH:MM:SS, as the log shows it
      const label = document.createElement("span");
      label.className = "event-label";
      label.textContent = event.label;
      const text = document.createElement("span");
      text.textContent = describeEvent(event);
      item.append(time, label, text);
      return item;
    });
    this.ui.list.replaceChildren(...items);
    this.ui.empty.hidden = items.length > 0;
  }

  async askToNotify() {
    if (typeof Notification === "undefined") return;
    if (Notification.permission !== "granted") await Notification.requestPermission();
    this.showNotifyState();
  }

  showNotifyState() {
    const button = this.ui.notify;
    const state = typeof Notification === "undefined" ? "unsupported" : Notification.permission;
    button.dataset.state = state;
    button.disabled = state === "unsupported" || state === "denied";
    button.textContent = state === "granted"
      ? "Notifying of crashes"
      : state === "denied"
      ? "Notifications blocked"
      : "Notify me of crashes";
  }

  notify(event) {
    if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
    const title = "persistproc: \u201c" + event.label + "\u201d " +
      (event.kind === "autorestart_gave_up" ? "keeps crashing" : "crashed");
    new Notification(title, { body: describeEvent(event), tag: "persistproc-" + event.id });
  }
}

/** How long a merged event's flood lasted: " in 9 s", " within a second"; "" when not known. */
function within(event) {
  const seconds = Math.round((Date.parse(event.time) - Date.parse(event.merged_since)) / 1000);
  if (Number.isNaN(seconds)) return "";
  return seconds < 1 ? " within a second" : " in " + seconds + " s";
}

/** One event in words, as the CLI's `persistproc events` says it (without the label). */
function describeEvent(event) {
  if (event.merged && event.kind === "exited" && event.crashed) {
    const last = describeEvent({ ...event, merged: undefined }).replace(/^crashed: /, "");
    return "crashed " + event.merged + " times" + within(event) + ", the last: " + last;
  }
  const merged = event.merged
    ? " (the last of " + event.merged + (within(event) || " like it") + ")"
    : "";
  switch (event.kind) {
    case "started":
      return "started" + (event.started_by ? " by " + event.started_by : "") + merged;
    case "restarted":
      return "restarted" + (event.by ? " by " + event.by : "") + merged;
    case "ready":
      return "ready (" + (event.met || []).join(", ") + ")" + merged;
    case "exited": {
      const how = event.exit_signal ||
        (event.exit_code === null || event.exit_code === undefined
          ? "exit code unknown"
          : "exit " + event.exit_code);
      const word = event.crashed ? "crashed" : event.stopped ? "stopped" : "exited";
      const tail = event.stderr_tail
        ? "; last stderr: " + event.stderr_tail.split("\n").join(" | ")
        : "";
      return word + ": " + how + tail + merged;
    }
    case "port_opened":
      return "opened port " + event.port + merged;
    case "port_closed":
      return "closed port " + event.port + merged;
    case "autorestart_backoff":
      return "autorestart: attempt " + event.attempt + " at " +
        clock(event.restart_at).slice(0, 8) + merged;
    case "autorestart_gave_up":
      return "crashed " + event.attempt + " times in a row: autorestart gave up" + merged;
    case "log_match":
      return "printed: " + event.line + merged;
    default:
      return event.kind.replace(/_/g, " ") + (event.message ? ": " + event.message : "") +
        merged;
  }
}
