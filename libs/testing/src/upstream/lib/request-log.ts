import type { IncomingHttpHeaders } from 'node:http';

/** One request as it reached the stand-in, recorded before any latency or fault. */
export interface RequestRecord {
  /** 1 for the first request after start or the last `clear()`, then counting up. */
  readonly id: number;
  /** Epoch milliseconds when the request arrived. */
  readonly time: number;
  readonly method: string;
  /** Path and query string, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
}

/** The most recent requests, oldest first; older ones fall out once `capacity` is reached. */
export interface RequestLog {
  readonly capacity: number;
  /** The records held, oldest first (a copy). */
  all(): RequestRecord[];
  /** The newest record, if any. */
  last(): RequestRecord | undefined;
  /** Number of records held (at most `capacity`). */
  count(): number;
  /** Number of requests recorded since start or the last `clear()`, including those dropped. */
  total(): number;
  /** Forgets every record and restarts ids at 1. */
  clear(): void;
  record(entry: Omit<RequestRecord, 'id'>): RequestRecord;
}

/** A fixed-size ring: recording is O(1) and never allocates beyond `capacity` slots. */
export class RingRequestLog implements RequestLog {
  readonly capacity: number;
  readonly #slots: Array<RequestRecord | undefined>;
  /** Index the next record is written to. */
  #next = 0;
  #total = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`request log capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.#slots = new Array<RequestRecord | undefined>(capacity).fill(undefined);
  }

  record(entry: Omit<RequestRecord, 'id'>): RequestRecord {
    this.#total += 1;
    const stored: RequestRecord = { id: this.#total, ...entry };
    this.#slots[this.#next] = stored;
    this.#next = (this.#next + 1) % this.capacity;
    return stored;
  }

  all(): RequestRecord[] {
    const held = this.count();
    const start = held < this.capacity ? 0 : this.#next;
    const out: RequestRecord[] = [];
    for (let i = 0; i < held; i += 1) {
      const entry = this.#slots[(start + i) % this.capacity];
      if (entry !== undefined) out.push(entry);
    }
    return out;
  }

  last(): RequestRecord | undefined {
    if (this.#total === 0) return undefined;
    return this.#slots[(this.#next + this.capacity - 1) % this.capacity];
  }

  count(): number {
    return Math.min(this.#total, this.capacity);
  }

  total(): number {
    return this.#total;
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#next = 0;
    this.#total = 0;
  }
}
