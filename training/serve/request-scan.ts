// The JavaScript side of request-scan.wat, the request reader's byte pass: its module, the layout of its
// memory (the body, then the records the pass writes), and each body's scan. The values it finds are
// checked by request-reader.ts; here they are only located and, for the numbers the pass leaves as text (an
// exponent, more than 15 digits), read with Number(), whose grammar holds JSON's.
import { REQUEST_SCAN_WASM_BASE64 } from "./request-scan-wasm";

/** The module's exports (see request-scan.wat). */
interface RequestScanExports {
  memory: WebAssembly.Memory;
  scan(
    start: number,
    length: number,
    instances: number,
    maxInstances: number,
    visits: number,
    maxVisits: number,
    slow: number,
    maxSlow: number,
  ): number;
  slowNumbers(): number;
}

let compiled: WebAssembly.Module | undefined;

const PAGE_BYTES = 65_536;
/** Where the body is copied (the module's key tables lie below). */
const INPUT = 256;
/** Bytes per instance record, per visit record (16 f64 slots, by key index), per slow number. */
const INSTANCE_BYTES = 16;
const VISIT_BYTES = 128;
const SLOW_BYTES = 16;
/** Numbers left as text per body; past this many, the body is given up on. */
const MAX_SLOW = 4096;
/** No history entry with the required keys is shorter (so a body of n bytes holds < n / 64 visits). */
const MIN_VISIT_BYTES = 64;

/** A visit record's slots (the .wat's key indices): floats at visitAt(v) + slot. */
export const VISIT_SLOTS = {
  /** The byte where the visit's date's 10 bytes start. */
  date: 1,
  timeSpentSec: 2,
  pageViews: 3,
  /** type1_views; type2..4 follow. */
  type1Views: 4,
  firstHour: 8,
  lastHour: 9,
  hoursVisited: 10,
  /** The platform's bytes: [start, end). */
  platformStart: 11,
  platformEnd: 12,
} as const;

/** bytes[start, end), ASCII, as text. */
export const asciiText = (bytes: Uint8Array, start: number, end: number) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1", start, end);

/** One instance of the byte pass with its own memory, reused from body to body. One body at a time. */
export class RequestScan {
  private readonly wasm: RequestScanExports;
  /** Views of the module's memory (renewed when it grows). */
  bytes = new Uint8Array(0);
  ints = new Int32Array(0);
  floats = new Float64Array(0);
  /** Where the last body's records start: instance records, visit records (byte addresses). */
  private instances = 0;
  private visits = 0;

  constructor(private readonly maxInstances: number) {
    compiled ??= new WebAssembly.Module(Buffer.from(REQUEST_SCAN_WASM_BASE64, "base64"));
    this.wasm = new WebAssembly.Instance(compiled).exports as unknown as RequestScanExports;
  }

  /** Scans a body: its count of instances (1..maxInstances), or 0 when the pass gives up on it. */
  scan(body: Uint8Array): number {
    const length = body.length;
    // The body and a 0 after it (where the pass's loops stop), the instance records, the visit records, the
    // slow numbers.
    const instances = INPUT + Math.ceil((length + 1) / 16) * 16;
    const visits = instances + this.maxInstances * INSTANCE_BYTES;
    const maxVisits = Math.ceil(length / MIN_VISIT_BYTES);
    const slow = visits + maxVisits * VISIT_BYTES;
    this.reserve(slow + MAX_SLOW * SLOW_BYTES);
    this.bytes.set(body, INPUT);
    this.bytes[INPUT + length] = 0;
    this.instances = instances;
    this.visits = visits;
    const wasm = this.wasm;
    const size = wasm.scan(INPUT, length, instances, this.maxInstances, visits, maxVisits, slow, MAX_SLOW);
    if (size < 1) return 0;
    const { bytes, ints, floats } = this;
    for (let s = 0, count = wasm.slowNumbers(); s < count; s++) {
      const at = (slow + s * SLOW_BYTES) >> 2;
      floats[ints[at]! >> 3] = Number(asciiText(bytes, ints[at + 1]!, ints[at + 2]!));
    }
    return size;
  }

  /** Instance b of the last body: the byte where its date's 10 bytes start. */
  dateAt(b: number): number {
    return this.ints[(this.instances + b * INSTANCE_BYTES) >> 2]!;
  }

  /** Instance b of the last body: its first visit's index. */
  firstVisit(b: number): number {
    return this.ints[((this.instances + b * INSTANCE_BYTES) >> 2) + 1]!;
  }

  /** Instance b of the last body: its count of visits (at least one). */
  visitCount(b: number): number {
    return this.ints[((this.instances + b * INSTANCE_BYTES) >> 2) + 2]!;
  }

  /** The float index of visit v's record (its slots follow: VISIT_SLOTS). */
  visitAt(v: number): number {
    return (this.visits + v * VISIT_BYTES) >> 3;
  }

  /** The module's memory holds at least `bytes` bytes. */
  private reserve(bytes: number): void {
    const memory = this.wasm.memory;
    if (memory.buffer.byteLength < bytes) {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
    }
    if (this.bytes.buffer !== memory.buffer) {
      this.bytes = new Uint8Array(memory.buffer);
      this.ints = new Int32Array(memory.buffer);
      this.floats = new Float64Array(memory.buffer);
    }
  }
}
