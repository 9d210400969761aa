// deno-lint-ignore-file no-unused-vars
// The page's parts share one scope (see page.ts): what one defines, another uses.
/*
 * The page's log view. It follows one process over the
 * NDJSON follow stream and stays responsive when a child prints thousands of lines a second:
 * events are queued and drawn once per animation frame, and both the queue and the drawn
 * lines are capped, so the page never holds more than a few thousand lines.
 */
const MAX_LOG_LINES = 5000;
const BACKLOG_LINES = 500;

class LogView {
  constructor(ui, follow) {
    this.ui = ui;
    this.el = ui.log;
    this.follow = follow;
    this.label = null;
    this.process = null;
    this.controller = null;
    this.streaming = false;
    this.ended = false;
    this.lost = null;
    this.hidden = false;
    this.resume = false;
    this.retained = [];
    this.pending = [];
    this.frame = 0;
    this.timer = 0;
    this.nextFlushAt = 0;
    this.paused = false;
    this.unseen = 0;
    this.stick = true;
    this.query = { stream: "", test: null };
    this.el.addEventListener("scroll", () => {
      this.stick = this.el.scrollTop + this.el.clientHeight >= this.el.scrollHeight - 8;
    });
    ui.pause.addEventListener("click", () => this.setPaused(!this.paused));
    ui.clear.addEventListener("click", () => {
      this.retained = [];
      this.pending = [];
      this.redraw();
    });
    let typing = 0;
    ui.search.addEventListener("input", () => {
      clearTimeout(typing);
      typing = setTimeout(() => this.readQuery(), 120);
    });
    ui.stream.addEventListener("change", () => this.readQuery());
    this.placeholder("Select a process to see its output.");
  }

  /** Called after every poll with the selected label and its record (null if not listed). */
  show(label, process) {
    if (!label) {
      if (this.label !== null) this.close();
      this.label = null;
      this.placeholder("Select a process to see its output.");
      return;
    }
    if (label !== this.label) {
      if (process) this.open(process);
      else this.placeholder("No process is labelled \u201c" + label + "\u201d.");
      return;
    }
    if (!process) {
      this.setSubtitle("no longer listed");
      return;
    }
    this.process = process;
    // The list just answered, so the server is reachable: a broken stream is picked up again
    // now, one that ended with the process once the process runs again.
    if (!this.streaming && (this.lost || (this.ended && process.status === "running"))) {
      this.open(process);
      return;
    }
    this.setSubtitle("PID " + process.pid + " \u00b7 " + process.status);
    this.updateFoot();
  }

  open(process) {
    this.close();
    this.label = process.label;
    this.process = process;
    this.retained = [];
    this.pending = [];
    this.ended = false;
    this.lost = null;
    this.ui.title.textContent = process.label;
    this.ui.title.title = process.label;
    this.setSubtitle("PID " + process.pid + " \u00b7 " + process.status);
    this.el.dataset.placeholder = "No output yet.";
    this.redraw();
    if (this.hidden) {
      this.resume = true;
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    this.streaming = true;
    this.read(process.pid, controller.signal)
      .catch((error) => {
        if (controller.signal.aborted) return;
        this.lost = error.message || String(error);
        this.push({
          kind: "note",
          time: new Date().toISOString(),
          text: "Output stream lost: " + this.lost,
        });
      })
      .finally(() => {
        if (this.controller !== controller) return;
        this.streaming = false;
        this.updateFoot();
      });
  }

  /**
   * A hidden tab lets its stream go: a browser opens at most six connections to one server,
   * and streams held by background tabs would use them up (the fourth tab would not load).
   * Shown again, the view follows its process anew from its last lines.
   */
  setHidden(hidden) {
    this.hidden = hidden;
    if (hidden && this.streaming) {
      this.close();
      this.resume = true;
    } else if (!hidden && this.resume) {
      this.resume = false;
      if (this.process) this.open(this.process);
    }
  }

  close() {
    if (this.controller) this.controller.abort();
    this.controller = null;
    this.streaming = false;
  }

  async read(pid, signal) {
    const response = await this.follow(pid, BACKLOG_LINES, signal);
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      throw new Error(body && body.error ? body.error.message : "HTTP " + response.status);
    }
    // The stream goes on after the process's final exit; the view stops reading there.
    await readNdjson(response, (record) => {
      this.receive(record);
      return !this.ended;
    });
  }

  receive(event) {
    if (event.type === "following") {
      // The stream's first record: the process and its stored lines.
      for (const line of event.backlog) this.receive(line);
      // Nothing live to wait for: say how it ended.
      if (event.process.status !== "running") {
        this.receive({ type: "exit", process: event.process, restarting: false });
      }
    } else if (event.type === "line") {
      this.push({ kind: "line", stream: event.stream, time: event.time, text: event.text });
    } else if (event.type === "start") {
      this.push({
        kind: "note",
        time: event.process.start_time,
        text: "restarted as PID " + event.process.pid,
      });
    } else if (event.type === "exit") {
      const p = event.process;
      const text = endText(p) + (event.restarting ? ", restarting" : "");
      this.push({ kind: "note", time: p.end_time || new Date().toISOString(), text });
      if (!event.restarting) this.ended = true;
    }
  }

  push(entry) {
    this.pending.push(entry);
    // Lines beyond the cap would be dropped on the next frame anyway; drop them now, so a
    // hidden tab (no animation frames) cannot pile up memory.
    if (this.pending.length > 2 * MAX_LOG_LINES) {
      this.pending.splice(0, this.pending.length - MAX_LOG_LINES);
    }
    this.schedule();
  }

  schedule() {
    if (this.frame || this.timer) return;
    const wait = this.nextFlushAt - performance.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = 0;
        this.schedule();
      }, wait);
    } else {
      this.frame = requestAnimationFrame(() => this.flush());
    }
  }

  flush() {
    this.frame = 0;
    const started = performance.now();
    this.draw();
    // When drawing is slow (a flood), draw less often: the page keeps answering clicks and
    // keys, and the stream keeps being read, while each draw still shows the newest lines.
    const took = performance.now() - started;
    this.nextFlushAt = performance.now() + Math.min(1000, took * 3);
  }

  draw() {
    let batch = this.pending;
    this.pending = [];
    if (batch.length > MAX_LOG_LINES) batch = batch.slice(batch.length - MAX_LOG_LINES);
    for (const entry of batch) this.retained.push(entry);
    if (this.retained.length > MAX_LOG_LINES) {
      this.retained.splice(0, this.retained.length - MAX_LOG_LINES);
    }
    if (this.paused) this.unseen += batch.length;
    else this.append(batch.filter((entry) => this.matches(entry)));
    this.updateFoot();
  }

  append(entries) {
    if (entries.length === 0) return;
    // A batch that fills the view replaces it: cheaper than appending and trimming.
    if (entries.length >= MAX_LOG_LINES) this.el.textContent = "";
    const fragment = document.createDocumentFragment();
    for (let i = Math.max(0, entries.length - MAX_LOG_LINES); i < entries.length; i++) {
      fragment.appendChild(renderEntry(entries[i]));
    }
    this.el.appendChild(fragment);
    const excess = this.el.childElementCount - MAX_LOG_LINES;
    if (excess > 0) {
      const range = document.createRange();
      range.setStartBefore(this.el.firstChild);
      range.setEndAfter(this.el.children[excess - 1]);
      range.deleteContents();
    }
    if (this.stick) this.el.scrollTop = this.el.scrollHeight;
  }

  redraw() {
    this.el.textContent = "";
    this.unseen = 0;
    this.stick = true;
    this.append(this.retained.filter((entry) => this.matches(entry)));
    this.updateFoot();
  }

  matches(entry) {
    if (entry.kind === "note") return true;
    if (this.query.stream && entry.stream !== this.query.stream) return false;
    if (!this.query.test) return true;
    if (entry.plain === undefined) entry.plain = stripAnsi(entry.text);
    return this.query.test(entry.plain);
  }

  readQuery() {
    const text = this.ui.search.value.trim();
    let test = null;
    let invalid = false;
    const pattern = /^\/(.+)\/([a-z]*)$/.exec(text);
    if (pattern) {
      try {
        const re = new RegExp(pattern[1], pattern[2].replace(/[gy]/g, ""));
        test = (line) => re.test(line);
      } catch (_) {
        invalid = true;
      }
    }
    if (!test && text) {
      const needle = text.toLowerCase();
      test = (line) => line.toLowerCase().includes(needle);
    }
    this.ui.search.classList.toggle("invalid", invalid);
    this.ui.search.title = invalid ? "Not a valid regular expression: matching it as text" : "";
    this.query = { stream: this.ui.stream.value, test };
    this.redraw();
  }

  setPaused(paused) {
    this.paused = paused;
    this.ui.pause.textContent = paused ? "Resume" : "Pause";
    this.ui.pause.setAttribute("aria-pressed", String(paused));
    if (!paused) this.redraw();
    this.updateFoot();
  }

  placeholder(text) {
    this.close();
    this.retained = [];
    this.pending = [];
    this.ui.title.textContent = "Output";
    this.ui.title.title = "";
    this.setSubtitle("");
    this.el.dataset.placeholder = text;
    this.redraw();
    this.ui.footText.textContent = "";
    this.ui.footFile.textContent = "";
  }

  setSubtitle(text) {
    if (this.ui.subtitle.textContent !== text) this.ui.subtitle.textContent = text;
  }

  updateFoot() {
    if (!this.label) return;
    const shown = this.el.childElementCount;
    const parts = [];
    const filtered = this.query.test || this.query.stream;
    parts.push(
      filtered
        ? shown.toLocaleString() + " of " + this.retained.length.toLocaleString() + " lines match"
        : this.retained.length.toLocaleString() + (this.retained.length === 1 ? " line" : " lines"),
    );
    if (this.paused) parts.push("paused, " + this.unseen.toLocaleString() + " new");
    else if (this.streaming) parts.push(this.stick ? "following" : "scrolled up");
    else if (this.lost) parts.push("stream lost: " + this.lost);
    else if (this.ended) parts.push("ended");
    if (this.retained.length >= MAX_LOG_LINES) parts.push("older lines: persistproc output");
    const text = parts.join(" \u00b7 ");
    if (this.ui.footText.textContent !== text) this.ui.footText.textContent = text;
    const file = this.process ? this.process.log_dir : "";
    if (this.ui.footFile.textContent !== file) this.ui.footFile.textContent = file;
  }
}

/**
 * Gives `receive` each record of an NDJSON response, as it arrives, until the stream ends or
 * `receive` returns false (the stream is then left).
 */
async function readNdjson(response, receive) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const lines = buffer.split("\n");
    buffer = lines.pop();
    for (const line of lines) {
      if (line && receive(JSON.parse(line)) === false) return void reader.cancel();
    }
  }
}
