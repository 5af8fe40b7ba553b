// The demo widget: messages over POST with a streamed reply (fetch + ReadableStream),
// the "Talk to a person" button, and an EventSource for what a person writes.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const log = document.getElementById("log");
  const status = document.getElementById("status");
  const form = document.getElementById("send");
  const input = document.getElementById("text");
  const sendButton = document.getElementById("send-button");
  const person = document.getElementById("person");
  let cid = sessionStorage.getItem("escalate-cid");
  let events = null;
  let resumeAfter = 0; // after a reload: the feed events the restored transcript already shows
  const seen = new Set();

  function newId() {
    const bytes = new Uint8Array(8);
    crypto.getRandomValues(bytes);
    return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function start(id) {
    cid = id;
    sessionStorage.setItem("escalate-cid", cid);
    document.getElementById("cid").textContent = cid;
  }
  function url(tail) {
    return "/v1/conversations/" + encodeURIComponent(cid) + tail;
  }
  function line(who, text, label) {
    const li = document.createElement("li");
    li.className = "msg " + who;
    const name = document.createElement("span");
    name.className = "who";
    name.textContent = label || who;
    const body = document.createElement("p");
    body.textContent = text; // text only: never HTML from the server
    li.append(name, body);
    log.append(li);
    li.scrollIntoView({ block: "nearest" });
    return li;
  }
  function sources(citations) {
    if (!citations.length) return;
    const li = line("sources", citations.map((c) => c.heading ? c.title + " › " + c.heading : c.title).join(" · "), "sources");
    li.setAttribute("aria-label", "Sources");
  }
  function busy(on, text) {
    sendButton.disabled = on;
    person.disabled = on;
    status.textContent = text || "";
  }
  async function failure(response) {
    try {
      const body = await response.json();
      return body.error ? body.error.message : response.statusText;
    } catch (e) {
      return response.statusText || "the service did not answer";
    }
  }
  function after(reply) {
    if (reply && (reply.kind === "handoff" || reply.kind === "with_human")) listen();
    if (reply && reply.kind === "with_human") {
      line("system", "Sent to the person helping you; they answer here.", "notice");
    }
  }

  // Server-sent events from a fetch body: "event:" and "data:" lines, a blank line ends one.
  async function readStream(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const raw = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let name = "message";
        const data = [];
        for (const l of raw.split("\n")) {
          if (l.startsWith("event:")) name = l.slice(6).trim();
          else if (l.startsWith("data:")) data.push(l.slice(5).replace(/^ /, ""));
        }
        if (data.length) onEvent(name, JSON.parse(data.join("\n")));
      }
    }
  }

  async function send(text) {
    line("shopper", text, "you");
    busy(true, "The shop is answering…");
    try {
      const response = await fetch(url("/messages"), {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "text/event-stream",
          "X-CSRF-Token": csrf,
        },
        body: JSON.stringify({ text: text, channel: "chat" }),
      });
      if (!response.ok) {
        line("error", await failure(response), "error");
        return;
      }
      await readStream(response, function (name, data) {
        if (name === "message") line("bot", data.text, "shop");
        else if (name === "citations") sources(data.citations || []);
        else if (name === "done") after(data.reply);
        else if (name === "error") line("error", data.message || "something went wrong", "error");
      });
    } catch (e) {
      line("error", "The connection failed: " + e.message, "error");
    } finally {
      busy(false);
      input.focus();
    }
  }

  async function talkToPerson() {
    line("shopper", "Talk to a person", "you");
    busy(true, "Asking for a person…");
    try {
      const response = await fetch(url("/talk-to-person"), {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ channel: "chat" }),
      });
      if (!response.ok) {
        line("error", await failure(response), "error");
        return;
      }
      const reply = await response.json();
      for (const text of reply.messages || []) line("bot", text, "shop");
      after(reply);
    } catch (e) {
      line("error", "The connection failed: " + e.message, "error");
    } finally {
      busy(false);
    }
  }

  const FEED = ["agent_message", "picked_up", "resolved", "wait_update", "notice", "message"];
  function listen() {
    if (events) return;
    events = new EventSource(url("/events" + (resumeAfter ? "?after=" + resumeAfter : "")));
    for (const kind of FEED) {
      events.addEventListener(kind, function (e) {
        const item = JSON.parse(e.data);
        const key = e.lastEventId || item.seq;
        if (key && seen.has(String(key))) return;
        if (key) seen.add(String(key));
        show(item.kind || kind, item);
      });
    }
  }
  function show(kind, item) {
    const agent = item.agent || "an agent";
    if (kind === "agent_message") line("agent", item.text, agent);
    else if (kind === "picked_up") line("system", agent + " has joined the conversation.", "notice");
    else if (kind === "resolved") line("system", agent + " has finished; the shop's assistant is back.", "notice");
    else if (item.text) line("system", item.text, "notice");
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
  person.addEventListener("click", talkToPerson);
  document.getElementById("restart").addEventListener("click", function () {
    if (events) events.close();
    events = null;
    resumeAfter = 0;
    log.replaceChildren();
    start(newId());
    input.focus();
  });
  // A reload keeps the conversation: its transcript, and the person's stream if one owns it.
  const LABELS = { shopper: "you", bot: "shop", agent: "agent", system: "notice" };
  async function restore() {
    const response = await fetch(url(""), { headers: { Accept: "application/json" } });
    if (!response.ok) return; // a new conversation (404) has nothing to show
    const view = await response.json();
    for (const turn of view.transcript || []) {
      if (turn.kind === "button") line("shopper", "Talk to a person", "you");
      else if (turn.text) line(turn.role === "system" ? "system" : turn.role, turn.text, LABELS[turn.role]);
    }
    resumeAfter = view.events_after || 0;
    if (view.mode === "human") listen();
  }
  if (cid) {
    start(cid);
    restore().catch(function () {});
  } else {
    start(newId());
  }
})();
