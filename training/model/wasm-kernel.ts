// The compiled matvec.wat module (matvec-wasm.ts) and the arithmetic of addresses in its memory, shared by the
// inference forward pass (gru-inference.ts) and the training pass (gru-kernel.ts). Each user instantiates its
// own copy: an instance's memory is its own, so threads and models never share scratch. No TF.js here.
import { MATVEC_WASM_BASE64 } from "./matvec-wasm";

/** The module's exports (byte addresses of float32 arrays; see matvec.wat for each function). */
export interface MatvecExports {
  memory: WebAssembly.Memory;
  /** out[j] += sum_i x[i] * w[i * cols + j]. */
  matvecAdd(out: number, x: number, w: number, rows: number, cols: number): void;
  /** candidate = tanh(h); state = candidate + z * (state - candidate). */
  update(projected: number, state: number, units: number): void;
  /** The GRU's steps for four examples at once (the sigmoid gates): their final states at `state`, 4 rows. */
  gruGroup(
    x: number,
    xStride: number,
    stepStride: number,
    steps: number,
    inputKernel: number,
    stepWidth: number,
    recurrentZR: number,
    recurrentH: number,
    units: number,
    paddedUnits: number,
    state: number,
    projected: number,
    resetState: number,
  ): void;
  /**
   * C[i][j] += sum over q < k of A(i, q) * B[q][j] for i < m, j < n: C's row i at c + i * cRow, A(i, q) at
   * a + i * aRow + q * aCol, B's row q at b + q * bRow (bytes).
   */
  gemm(
    c: number,
    cRow: number,
    a: number,
    aRow: number,
    aCol: number,
    b: number,
    bRow: number,
    m: number,
    n: number,
    k: number,
  ): void;
  /** v = 1 / (1 + e^-v) in place for `count` floats at `at`, rounded up to a multiple of 4. */
  sigmoids(at: number, count: number): void;
  // The element-wise math of a training step over `count` (a multiple of 4) floats; see matvec.wat.
  resetGate(r: number, previous: number, resetState: number, count: number): void;
  candidateState(z: number, a: number, previous: number, next: number, count: number): void;
  backUpdate(
    dState: number,
    z: number,
    candidate: number,
    previous: number,
    dz: number,
    da: number,
    count: number,
  ): void;
  backReset(
    dState: number,
    dResetState: number,
    z: number,
    r: number,
    resetState: number,
    dr: number,
    count: number,
  ): void;
}

let compiled: WebAssembly.Module | undefined;

/** A new instance of the kernels, with its own memory. */
export function instantiateMatvec(): MatvecExports {
  compiled ??= new WebAssembly.Module(Buffer.from(MATVEC_WASM_BASE64, "base64"));
  return new WebAssembly.Instance(compiled).exports as unknown as MatvecExports;
}

export const PAGE_BYTES = 65_536;
export const FLOAT_BYTES = 4;

/** Byte addresses of arrays in a kernel's memory, each 16-byte aligned (a SIMD vector). */
export class Layout {
  end = 0;
  take(floats: number): number {
    const at = this.end;
    this.end += Math.ceil(floats / 4) * 16;
    return at;
  }
}

/** The instance's memory grown to hold `bytes`, and a view of it (a grown memory needs a new view). */
export function reserve(kernel: MatvecExports, bytes: number, view: Float32Array): Float32Array {
  const memory = kernel.memory;
  const needed = Math.ceil(bytes / PAGE_BYTES) - memory.buffer.byteLength / PAGE_BYTES;
  if (needed > 0) memory.grow(needed);
  return view.buffer === memory.buffer ? view : new Float32Array(memory.buffer);
}
