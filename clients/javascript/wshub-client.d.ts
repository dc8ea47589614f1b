// Type declarations of @wshub/client (wshub-client.js).

export type ClientState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A position in a room's history (or in the session's inbox). */
export interface Position {
  seq: number;
  epoch: string;
}

export interface WshubClientOptions {
  /** A WebSocket class; by default the global one (browsers, Node >= 22, or Node 20 with --experimental-websocket). */
  WebSocket?: new (url: string) => WebSocket;
  /** The session id to ask for (1-64 of [A-Za-z0-9_.-]); without it the server assigns one. */
  id?: string;
  /** A JWT, or a function asked for one before every connection attempt (it may return a promise). */
  token?: string | (() => string | Promise<string>);
  /**
   * Where to keep what resuming needs across page loads (sessionStorage, say): the resume token,
   * the positions, the rooms and the sends not yet acknowledged. Written at most every 100 ms, and
   * at once when the page is hidden or goes away (pagehide). By default memory only.
   */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** The key under which it is kept; default 'wshub:' + url. */
  storageKey?: string;
  /** ms the first reconnect waits at most (full jitter); default 500. */
  initialDelay?: number;
  /** ms the doubling of that wait stops at; default 30000. */
  maxDelay?: number;
  /** ms a connection must stay open to reset the backoff; default 10000. */
  stableAfter?: number;
  /** ms within which a send must be acknowledged, else it rejects and is not sent again; default 30000. */
  sendTimeout?: number;
  /** Sends that may wait for a connection; one more rejects at once; default 1000. */
  maxBuffered?: number;
  /** ms of silence after which the client pings; default 25000. */
  pingInterval?: number;
  /** ms after that ping without any frame before the connection counts as dead; default 10000. */
  pongTimeout?: number;
  /** How an attempt that never opened is probed for its HTTP status (default globalThis.fetch); null: no probe. */
  fetch?: typeof fetch | null;
}

/** Any message of the room protocol (docs/protocol.md): its type and its fields. */
export interface ServerMessage {
  type: string;
  [field: string]: unknown;
}

export interface RoomMessage extends ServerMessage {
  type: 'room_message';
  room: string;
  from: string;
  content: unknown;
  data?: unknown;
  /** The message's place in its room (with the server's room history on). */
  seq?: number;
}

export interface PrivateMessage extends ServerMessage {
  type: 'private_message';
  to: string;
  from: string;
  content: unknown;
  /** Its place in the recipient's inbox (with resume on). */
  seq?: number;
}

export interface Recovered {
  room: string;
  /** True: everything missed was replayed, in order. False: it could not be; fetch the room's state afresh. */
  recovered: boolean;
}

export interface CloseInfo {
  /** The close code; 1006 for an attempt that never opened, 0 when the token function failed. */
  code: number;
  /** The close frame's reason, or the reason of the server's refusal ("Session id taken"). */
  reason: string;
  /**
   * Present only for an attempt that never opened: the HTTP status the probe found (409, 401, 503,
   * 426 when the server would accept it now, ...), or 0 when no probe answered (the server is down
   * or unreachable, another origin, or probing is off).
   */
  status?: number;
  /** False when the client gave up (the server refused what it did) and is now closed. */
  willRetry: boolean;
}

export interface Retry {
  /** ms until the next attempt. */
  delay: number;
  /** Which attempt since the connection last proved stable (1, 2, ...). */
  attempt: number;
}

/** A send an earlier client with the same storage made and the server had not acknowledged. */
export interface RestoredSend {
  /** The message as it was sent: type ('room_message', 'private_message', 'broadcast'), its fields, its ref. */
  message: ServerMessage;
  /** Settles as the send's promise would have: a room message's seq, undefined, or the error. */
  result: Promise<number | undefined>;
}

export class WshubClient {
  constructor(url: string, options?: WshubClientOptions);
  /** Resolves when first open; rejects if the client closes before that. */
  readonly connected: Promise<void>;
  readonly state: ClientState;
  /** The session id, once the server gave it. */
  readonly id: string | null;
  /** The rooms it is in, or will be in again after a reconnect. */
  readonly rooms: string[];
  /** The sends restored from storage (a reloaded page), in the order they were made; sent again once connected. */
  readonly restoredSends: RestoredSend[];

  on(type: 'room_message', fn: (message: RoomMessage) => void): () => void;
  on(type: 'private_message', fn: (message: PrivateMessage) => void): () => void;
  on(type: 'recovered', fn: (event: Recovered) => void): () => void;
  on(type: 'state', fn: (state: ClientState) => void): () => void;
  on(type: 'close', fn: (info: CloseInfo) => void): () => void;
  /** The server's answer to a resume, once the `recovered` event of every room it names has fired. */
  on(type: 'resumed', fn: (message: ServerMessage) => void): () => void;
  /** Before each wait for a reconnect attempt (a countdown's start). */
  on(type: 'retry', fn: (retry: Retry) => void): () => void;
  on(type: string, fn: (message: ServerMessage) => void): () => void;

  /** Joins now or once connected, and again after every reconnect; resolves with the members. */
  join(room: string): Promise<string[]>;
  /** Leaves: not joined again after a reconnect. */
  leave(room: string): void;
  /** A room message; resolves with its seq once the server has handled it, rejects with its error. */
  send(room: string, content: unknown, data?: unknown): Promise<number | undefined>;
  /** A private message; resolves once the server has handled it. */
  sendTo(id: string, content: unknown): Promise<void>;
  /** To every other session of the server; resolves once the server has handled it. */
  broadcast(content: unknown): Promise<void>;
  /** Ends the wait of a reconnect and tries at once; false when no attempt was waiting. The backoff goes on. */
  reconnectNow(): boolean;
  /** Closes for good: the server ends the session and keeps nothing to resume. */
  close(): void;
}

/** The error a send is rejected with when the server refused it. */
export class ServerError extends Error {
  readonly frame: ServerMessage;
}

/** Whether the room server accepts this room name: 1-64 of [A-Za-z0-9_.:-]. */
export function isValidRoomName(room: string): boolean;
