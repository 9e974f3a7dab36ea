/**
 * The hot loops of boosted-tree training as a tiny WebAssembly module, assembled here from
 * opcodes (no toolchain, no files): gathering gradient pairs, building gradient histograms and
 * partitioning rows. V8 cannot hoist typed-array bounds checks and base-pointer loads out of
 * these loops when the arrays are parameters; in WebAssembly the same loops run ~1.3× (histograms)
 * to ~2× (partitions) faster. Arithmetic and summation order are exactly those of the plain
 * loops (IEEE doubles, rows in order), so results are bit-identical.
 *
 * All arrays live in one shared WebAssembly.Memory so every training thread instantiates the
 * module over the same bytes. Pointers are byte offsets into that memory.
 *
 * The functions, in the text format's terms (i = row position, r = row number):
 *
 *   gather(gh, rows, m, out)             out[2i], out[2i+1] = gh[2r], gh[2r+1]           (f64)
 *   hist{1,4,8}(rows, m, g, c0.., h0..)  hX[2·cX[r]] += g[2i]; hX[2·cX[r]+1] += g[2i+1]  (cX: u8 column)
 *   partition(col, rows, m, bin, missingAs, scratch) → nLeft
 *       b = col[r] (0 → missingAs); rows[l] = scratch[k] = r; l += b <= bin; k += b > bin;
 *       then scratch[0..k) is copied after rows[0..l)  (a stable partition)
 */

/**
 * The slice of the WebAssembly JS API used here. The project's TypeScript libs declare no
 * WebAssembly globals (they come with the DOM lib), so they are typed locally.
 */
export interface WasmMemory {
  /** A SharedArrayBuffer for shared memories; re-read it after grow() to see the new pages. */
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
interface WasmModule {
  readonly __wasmModule: unique symbol;
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: object };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const I32 = 0x7f;
const F64 = 0x7c;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Instructions.
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const tee = (i: number) => [0x22, ...uleb(i)];
const i32 = (v: number) => [0x41, ...sleb(v)];
const ADD = [0x6a];
const SHL = [0x74];
const LT_U = [0x49];
const LE_U = [0x4d];
const GT_U = [0x4b];
const EQZ = [0x45];
const SELECT = [0x1b];
const F64_ADD = [0xa0];
const load32 = (offset = 0) => [0x28, 2, ...uleb(offset)];
const store32 = (offset = 0) => [0x36, 2, ...uleb(offset)];
const load8u = (offset = 0) => [0x2d, 0, ...uleb(offset)];
const loadF64 = (offset = 0) => [0x2b, 3, ...uleb(offset)];
const storeF64 = (offset = 0) => [0x39, 3, ...uleb(offset)];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = [0x0b];
const brIf = (depth: number) => [0x0d, ...uleb(depth)];
const MEMORY_COPY = [0xfc, 0x0a, 0x00, 0x00];

interface Fn {
  name: string;
  params: number[];
  results: number[];
  locals: [number, number][];
  body: number[];
}

/** `for (i = 0; i < m; i++) body` with `m` in local `mLocal` and the counter in `iLocal`. */
function forRows(mLocal: number, iLocal: number, body: number[]): number[] {
  return [...BLOCK, ...get(mLocal), ...EQZ, ...brIf(0), ...i32(0), ...set(iLocal), ...LOOP, ...body, ...get(iLocal), ...i32(1), ...ADD, ...tee(iLocal), ...get(mLocal), ...LT_U, ...brIf(0), ...END, ...END];
}

function gatherFn(): Fn {
  // params: gh 0, rows 1, m 2, out 3; locals: i 4, src 5, dst 6
  const body = forRows(2, 4, [
    // src = gh + rows[i] * 16
    ...get(0), ...get(1), ...get(4), ...i32(2), ...SHL, ...ADD, ...load32(), ...i32(4), ...SHL, ...ADD, ...set(5),
    // dst = out + i * 16
    ...get(3), ...get(4), ...i32(4), ...SHL, ...ADD, ...tee(6),
    ...get(5), ...loadF64(0), ...storeF64(0),
    ...get(6), ...get(5), ...loadF64(8), ...storeF64(8),
  ]);
  return { name: 'gather', params: [I32, I32, I32, I32], results: [], locals: [[3, I32]], body: [...body, ...END] };
}

function histFn(G: number): Fn {
  // params: rows 0, m 1, g 2, columns 3..3+G, hists 3+G..3+2G
  const col = (f: number) => 3 + f;
  const hist = (f: number) => 3 + G + f;
  const i = 3 + 2 * G;
  const r = i + 1;
  const j = i + 2;
  const gp = i + 3;
  const gv = i + 4;
  const hv = i + 5;
  const update = (f: number) => [
    // j = hist_f + col_f[r] * 16
    ...get(hist(f)), ...get(col(f)), ...get(r), ...ADD, ...load8u(), ...i32(4), ...SHL, ...ADD, ...tee(j),
    ...get(j), ...loadF64(0), ...get(gv), ...F64_ADD, ...storeF64(0),
    ...get(j), ...get(j), ...loadF64(8), ...get(hv), ...F64_ADD, ...storeF64(8),
  ];
  const body = [
    ...get(2), ...set(gp),
    ...forRows(1, i, [
      ...get(0), ...get(i), ...i32(2), ...SHL, ...ADD, ...load32(), ...set(r),
      ...get(gp), ...loadF64(0), ...set(gv),
      ...get(gp), ...loadF64(8), ...set(hv),
      ...Array.from({ length: G }, (_, f) => update(f)).flat(),
      ...get(gp), ...i32(16), ...ADD, ...set(gp),
    ]),
    ...END,
  ];
  return { name: `hist${G}`, params: Array(3 + 2 * G).fill(I32), results: [], locals: [[4, I32], [2, F64]], body };
}

function partitionFn(): Fn {
  // params: col 0, rows 1, m 2, bin 3, missingAs 4, scratch 5; locals: i 6, l 7, k 8, row 9, b 10
  const body = [
    ...i32(0), ...set(7),
    ...i32(0), ...set(8),
    ...forRows(2, 6, [
      // row = rows[i]
      ...get(1), ...get(6), ...i32(2), ...SHL, ...ADD, ...load32(), ...tee(9),
      // b = col[row]; b = b == 0 ? missingAs : b
      ...get(0), ...ADD, ...load8u(), ...set(10), ...get(4), ...get(10), ...get(10), ...EQZ, ...SELECT, ...set(10),
      // rows[l] = row; scratch[k] = row
      ...get(1), ...get(7), ...i32(2), ...SHL, ...ADD, ...get(9), ...store32(),
      ...get(5), ...get(8), ...i32(2), ...SHL, ...ADD, ...get(9), ...store32(),
      // l += b <= bin; k += b > bin
      ...get(7), ...get(10), ...get(3), ...LE_U, ...ADD, ...set(7),
      ...get(8), ...get(10), ...get(3), ...GT_U, ...ADD, ...set(8),
    ]),
    // memory.copy(rows + 4l, scratch, 4k)
    ...get(1), ...get(7), ...i32(2), ...SHL, ...ADD, ...get(5), ...get(8), ...i32(2), ...SHL, ...MEMORY_COPY,
    ...get(7),
    ...END,
  ];
  return { name: 'partition', params: [I32, I32, I32, I32, I32, I32], results: [I32], locals: [[5, I32]], body };
}

function assemble(fns: Fn[]): Uint8Array {
  const types = fns.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const codes = fns.map((f) => {
    const code = [...vec(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.body];
    return [...uleb(code.length), ...code];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    // (import "env" "memory" (memory 1 65536 shared))
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x03, ...uleb(1), ...uleb(65536)]])),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(7, vec(fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(codes)),
  ]);
}

let compiled: WasmModule | undefined;

/** The compiled kernel module (compiled once per thread). */
function kernelModule(): WasmModule {
  return (compiled ??= new WA.Module(assemble([gatherFn(), histFn(1), histFn(4), histFn(8), partitionFn()])));
}

export interface Kernels {
  gather(gh: number, rows: number, m: number, out: number): void;
  hist1(rows: number, m: number, g: number, c0: number, h0: number): void;
  hist4(rows: number, m: number, g: number, c0: number, c1: number, c2: number, c3: number, h0: number, h1: number, h2: number, h3: number): void;
  hist8(
    rows: number, m: number, g: number,
    c0: number, c1: number, c2: number, c3: number, c4: number, c5: number, c6: number, c7: number,
    h0: number, h1: number, h2: number, h3: number, h4: number, h5: number, h6: number, h7: number,
  ): void;
  partition(col: number, rows: number, m: number, bin: number, missingAs: number, scratch: number): number;
}

/** The kernels over `memory` (a shared memory of at most 65536 pages). */
export function instantiateKernels(memory: WasmMemory): Kernels {
  return new WA.Instance(kernelModule(), { env: { memory } }).exports as unknown as Kernels;
}

/** Bytes per WebAssembly page. */
export const PAGE = 65536;

/**
 * A shared memory of `bytes`, able to grow to `maxBytes` (at most 4 GiB; the reservation is
 * address space, pages are committed as they are used).
 */
export function sharedMemory(bytes: number, maxBytes = bytes): WasmMemory & { maxPages: number } {
  const initial = Math.max(1, Math.ceil(bytes / PAGE));
  const maxPages = Math.min(65536, Math.max(initial, Math.ceil(maxBytes / PAGE)));
  const memory = new WA.Memory({ initial, maximum: maxPages, shared: true });
  return Object.assign(memory, { maxPages });
}
