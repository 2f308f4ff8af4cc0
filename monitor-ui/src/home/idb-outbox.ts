import {
  type Outbox,
  OutboxClosedError,
  OutboxSeqError,
  type OutboxStats,
  PendingIndex,
  RECORD_HEADER_BYTES,
} from '@zonewatch/gateway/browser';

const BATCHES = 'batches';
const META = 'meta';

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/**
 * The phone's store-and-forward queue (issue 17): the gateway core's {@link Outbox} over IndexedDB, so
 * samples taken while the phone is offline survive a reload and go out in seq order, flagged `replayed`,
 * when the link returns — what the Node gateway's disk outbox does. Bounded: past `maxBytes` the oldest
 * batches are dropped, and the count (kept across reloads) is shown on the page and announced in the
 * gateway's status. One database per gateway id.
 */
export class IdbOutbox implements Outbox {
  private db: IDBDatabase | undefined;
  private readonly index = new PendingIndex<null>();
  private last: number | undefined;
  private dropped = 0;

  constructor(
    private readonly name: string,
    private readonly maxBytes: number,
  ) {}

  async open(): Promise<{ lastSeq: number | undefined }> {
    const open = indexedDB.open(this.name, 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore(BATCHES);
      open.result.createObjectStore(META);
    };
    this.db = await req(open);
    const tx = this.db.transaction([BATCHES, META], 'readonly');
    const keys = (await req(tx.objectStore(BATCHES).getAllKeys())) as number[];
    const values = (await req(tx.objectStore(BATCHES).getAll())) as Uint8Array[];
    const last = (await req(tx.objectStore(META).get('lastSeq'))) as number | undefined;
    this.dropped = ((await req(tx.objectStore(META).get('dropped'))) as number | undefined) ?? 0;
    for (const [i, seq] of keys.entries())
      this.index.push(seq, values[i]!.length + RECORD_HEADER_BYTES, null);
    this.last = Math.max(last ?? -Infinity, keys.at(-1) ?? -Infinity);
    if (!Number.isFinite(this.last)) this.last = undefined;
    return { lastSeq: this.last };
  }

  async append(seq: number, payload: Uint8Array): Promise<void> {
    const db = this.db;
    if (!db) throw new OutboxClosedError('append');
    if (this.last !== undefined && seq <= this.last) throw new OutboxSeqError(seq, this.last);
    this.last = seq;
    this.index.push(seq, payload.length + RECORD_HEADER_BYTES, null);
    const drop: number[] = [];
    while (this.index.bytes > this.maxBytes) {
      const oldest = this.index.oldest()!.seq;
      this.index.remove(oldest);
      drop.push(oldest);
    }
    this.dropped += drop.length;
    const tx = db.transaction([BATCHES, META], 'readwrite');
    const batches = tx.objectStore(BATCHES);
    batches.put(payload, seq);
    for (const s of drop) batches.delete(s);
    tx.objectStore(META).put(seq, 'lastSeq');
    if (drop.length) tx.objectStore(META).put(this.dropped, 'dropped');
    await done(tx);
  }

  nextAfter(after: number): number | undefined {
    return this.index.nextAfter(after);
  }

  async read(seq: number): Promise<Uint8Array | undefined> {
    if (!this.db || !this.index.get(seq)) return undefined;
    const tx = this.db.transaction(BATCHES, 'readonly');
    const v = (await req(tx.objectStore(BATCHES).get(seq))) as Uint8Array | undefined;
    return this.index.get(seq) ? v : undefined;
  }

  async ack(seq: number): Promise<void> {
    if (!this.index.remove(seq) || !this.db) return;
    const tx = this.db.transaction(BATCHES, 'readwrite');
    tx.objectStore(BATCHES).delete(seq);
    await done(tx);
  }

  stats(): OutboxStats {
    return { depth: this.index.count, bytes: this.index.bytes, dropped: this.dropped, corrupt: 0 };
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = undefined;
  }
}
