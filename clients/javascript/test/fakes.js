// Test doubles: a WebSocket the test plays the server of, and a clock the test moves.

/** Timers that fire only when the test advances the clock. */
export class ManualTimers {
  constructor() {
    this.now = 0;
    this.tasks = new Map();
    this.nextId = 1;
  }

  setTimeout(fn, ms) {
    const id = this.nextId++;
    this.tasks.set(id, { at: this.now + (ms || 0), fn });
    return id;
  }

  clearTimeout(id) {
    this.tasks.delete(id);
  }

  /** Runs every task due within `ms`, in time order (tasks scheduled meanwhile included). */
  advance(ms) {
    const end = this.now + ms;
    for (;;) {
      let due = null;
      for (const [id, t] of this.tasks) {
        if (t.at <= end && (due === null || t.at < due[1].at)) {
          due = [id, t];
        }
      }
      if (due === null) {
        break;
      }
      this.tasks.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = end;
  }
}

/** Every socket the client opened, newest last; the test speaks for the server through them. */
export function fakeWebSocketClass() {
  const sockets = [];
  class FakeWebSocket {
    constructor(url) {
      this.url = new URL(url);
      this.sent = [];
      this.closedWith = null;
      sockets.push(this);
    }

    send(text) {
      if (this.closedWith) {
        throw new Error('closed');
      }
      this.sent.push(JSON.parse(text));
    }

    close(code) {
      this.closedWith = code;
    }

    // ---- the server's side ----

    open() {
      this.onopen && this.onopen({});
    }

    receive(message) {
      this.onmessage({ data: JSON.stringify(message) });
    }

    /** The connection ends: a cut without a close frame is 1006. */
    end(code = 1006, reason = '') {
      this.onclose({ code, reason });
    }

    /** What the client sent of this type. */
    sentOf(type) {
      return this.sent.filter((m) => m.type === type);
    }
  }
  return { FakeWebSocket, sockets, last: () => sockets[sockets.length - 1] };
}

/** Lets the client's pending promise callbacks and async token fetches run. */
export function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}
