/**
 * COPY … TO STDOUT on a node-postgres connection, collected as one string.
 *
 * The server sends one CopyData message per row. pg-copy-streams turns each
 * into a Buffer slice, concatenates them per socket read and hands those to a
 * stream; a batch read of re-evaluation is about 50,000 rows, so that is over
 * a hundred thousand short-lived Buffers per batch before the text is even
 * decoded. This reads the protocol off the socket itself and copies each row's
 * bytes into one growing buffer, decoded once at the end.
 *
 * Like pg-copy-streams, it takes the connection's socket from node-postgres
 * while the COPY runs (node-postgres has no COPY of its own) and hands it back
 * at CopyDone, or at an ErrorResponse, which node-postgres then reads and
 * reports through handleError as for any query.
 */
import type { Connection } from 'pg';

const ERROR_RESPONSE = 0x45; // 'E'
const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
const HEADER = 5; // a type byte and a 32-bit length that counts itself

type DataListener = (chunk: Buffer) => void;

/** A node-postgres Submittable: `client.query(new CopyOutText(sql))`, then await `.text`. */
export class CopyOutText {
  readonly text: Promise<string>;
  private resolve!: (text: string) => void;
  private reject!: (error: Error) => void;
  private failed: Error | undefined;
  private stream: NodeJS.EventEmitter | undefined;
  private pgListener: DataListener | undefined;
  private out = Buffer.allocUnsafe(1 << 16);
  private length = 0;
  /** A message header split across socket reads. */
  private header = Buffer.alloc(HEADER);
  private headerLength = 0;
  private code = 0;
  /** Bytes of the current message's body still to come; -1 between messages. */
  private remaining = -1;

  constructor(private readonly sql: string) {
    this.text = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: Connection): void {
    const stream = (connection as unknown as { stream: NodeJS.EventEmitter }).stream;
    const listeners = stream.listeners('data') as DataListener[];
    if (listeners.length !== 1) throw new Error('COPY needs an idle connection with one reader');
    this.stream = stream;
    this.pgListener = listeners[0]!;
    stream.removeListener('data', this.pgListener);
    stream.on('data', this.onData);
    connection.query(this.sql);
  }

  private readonly onData = (chunk: Buffer): void => {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.remaining < 0) {
        if (this.headerLength === 0 && n - i >= HEADER) {
          this.code = chunk[i]!;
          if (this.code === ERROR_RESPONSE) {
            this.detach(chunk.subarray(i));
            return;
          }
          this.remaining = chunk.readUInt32BE(i + 1) - 4;
          i += HEADER;
        } else {
          while (this.headerLength < HEADER && i < n) this.header[this.headerLength++] = chunk[i++]!;
          if (this.headerLength < HEADER) return;
          this.headerLength = 0;
          this.code = this.header[0]!;
          if (this.code === ERROR_RESPONSE) {
            this.detach(Buffer.concat([this.header, chunk.subarray(i)]));
            return;
          }
          this.remaining = this.header.readUInt32BE(1) - 4;
        }
      }
      const take = Math.min(this.remaining, n - i);
      // CopyOutResponse, and notices or parameter changes the server may send meanwhile, are skipped.
      if (this.code === COPY_DATA && take > 0) this.append(chunk, i, i + take);
      i += take;
      this.remaining -= take;
      if (this.remaining === 0) {
        this.remaining = -1;
        if (this.code === COPY_DONE) {
          this.detach(chunk.subarray(i));
          return;
        }
      }
    }
  };

  private append(chunk: Buffer, start: number, end: number): void {
    const size = end - start;
    if (this.length + size > this.out.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.length + size));
      this.out.copy(bigger, 0, 0, this.length);
      this.out = bigger;
    }
    chunk.copy(this.out, this.length, start, end);
    this.length += size;
  }

  /** Gives the socket back to node-postgres, with what it has not read yet. */
  private detach(rest: Buffer): void {
    const stream = this.stream;
    const listener = this.pgListener;
    if (!stream || !listener) return;
    this.stream = undefined;
    this.pgListener = undefined;
    stream.removeListener('data', this.onData);
    stream.on('data', listener);
    if (rest.length > 0) listener(rest);
  }

  handleCommandComplete(): void {}

  handleError(error: Error): void {
    // A broken connection reports here while the socket is still ours.
    this.detach(Buffer.alloc(0));
    this.failed ??= error;
    this.reject(error);
  }

  handleReadyForQuery(): void {
    if (this.failed) return;
    this.resolve(this.out.toString('utf8', 0, this.length));
  }
}
