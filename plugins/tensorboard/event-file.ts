import { appendFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { maskedCrc32c } from './crc32c.js';

/** Protobuf wire helpers: just what Event/Summary/Value need. */
function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(Math.trunc(n));
  if (v < 0n) v += 1n << 64n;
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

function lengthDelimited(field: number, payload: Uint8Array): number[] {
  return [(field << 3) | 2, ...varint(payload.length), ...payload];
}

function f64(field: number, x: number): number[] {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return [(field << 3) | 1, ...b];
}

function f32(field: number, x: number): number[] {
  const b = Buffer.alloc(4);
  b.writeFloatLE(x);
  return [(field << 3) | 5, ...b];
}

/** Encode an `Event` with scalar summaries (simple_value, which TensorBoard migrates to tensors). */
export function encodeScalarEvent(wallTime: number, step: number, scalars: Record<string, number>): Uint8Array {
  const values: number[] = [];
  for (const [tag, value] of Object.entries(scalars)) {
    const v = Uint8Array.from([...lengthDelimited(1, Buffer.from(tag, 'utf8')), ...f32(2, value)]);
    values.push(...lengthDelimited(1, v));
  }
  return Uint8Array.from([...f64(1, wallTime), 0x10, ...varint(step), ...lengthDelimited(5, Uint8Array.from(values))]);
}

/** The conventional first record of an event file. */
export function encodeFileVersionEvent(wallTime: number): Uint8Array {
  return Uint8Array.from([...f64(1, wallTime), ...lengthDelimited(3, Buffer.from('brain.Event:2', 'utf8'))]);
}

/** TFRecord framing: u64 length, masked crc of the length, data, masked crc of the data. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(data.length));
  const out = Buffer.alloc(8 + 4 + data.length + 4);
  len.copy(out, 0);
  out.writeUInt32LE(maskedCrc32c(len), 8);
  Buffer.from(data).copy(out, 12);
  out.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return out;
}

/** Appends scalar events to `<logdir>/events.out.tfevents.<secs>.<host>` as TensorBoard reads them. */
export class EventFileWriter {
  readonly path: string;

  constructor(logdir: string, now: Date = new Date()) {
    mkdirSync(logdir, { recursive: true });
    const secs = String(Math.floor(now.getTime() / 1000)).padStart(10, '0');
    this.path = join(logdir, `events.out.tfevents.${secs}.${hostname()}.${process.pid}`);
    appendFileSync(this.path, frameRecord(encodeFileVersionEvent(now.getTime() / 1000)));
  }

  addScalars(step: number, scalars: Record<string, number>, wallTime = Date.now() / 1000): void {
    appendFileSync(this.path, frameRecord(encodeScalarEvent(wallTime, step, scalars)));
  }
}
