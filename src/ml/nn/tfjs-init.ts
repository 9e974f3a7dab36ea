/**
 * Starting TensorFlow.js on a thread, without side effects at import: tfjs-backend.ts calls
 * `initialiseTfjs` once at import time (top-level await); tests call it in a fresh thread to
 * check the fallback.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
// tfjs-core rather than the @tensorflow/tfjs bundle: the bundle also loads layers, converter,
// data and WebGL, which the models do not use and which cost ~0.4 s per thread to import.
// (tfjs-core is the bundle's own dependency and tfjs-backend-wasm's peer, at the same version.)
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export { tf };

export interface TfjsBackendInfo {
  /** The active tfjs backend: 'wasm', or 'cpu' after a fallback. */
  name: string;
  /** Whether the WASM backend uses the SIMD binary. */
  simd: boolean;
  /** Whether the WASM backend runs its own thread pool (never in Node). */
  threads: boolean;
  /** Why WASM could not be used, when it could not. */
  fallbackReason?: string;
}

/** The folder holding tfjs-backend-wasm's .wasm binaries (ends with a separator, as tfjs expects). */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

/**
 * The WASM module's Emscripten runtime adds process-wide 'uncaughtException' and
 * 'unhandledRejection' listeners that rethrow, which would turn any unhandled rejection anywhere
 * in the service into a crash even where the service installs its own handler. tfjs never needs
 * them (they serve Emscripten's exit()), so the ones added while the backend starts are removed.
 */
function withoutProcessHandlers<T>(start: () => Promise<T>): Promise<T> {
  type Listener = (...args: unknown[]) => void;
  const events = ['uncaughtException', 'unhandledRejection'];
  const listeners = (e: string) => process.listeners(e as 'uncaughtException') as unknown as Listener[];
  const before = events.map((e) => new Set(listeners(e)));
  return start().finally(() => {
    events.forEach((e, k) => {
      for (const l of listeners(e)) if (!before[k].has(l)) process.removeListener(e, l);
    });
  });
}

/**
 * Starts tfjs on this thread: the WASM backend from `wasmDir`, or the 'cpu' backend, with the
 * reason passed to `warn`, when WASM fails. Call it once per thread; importing this module already
 * does, with the installed binaries.
 */
export async function initialiseTfjs(opts: { wasmDir?: string; warn?: (message: string) => void } = {}): Promise<TfjsBackendInfo> {
  // Production mode skips tfjs's debug-only checks; kernels are the same.
  tf.env().set('PROD', true);
  try {
    const dir = opts.wasmDir ?? wasmBinaryDir();
    // tfjs swallows the cause of a failed start (it only logs it), so check the binary first.
    const binary = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
    if (!existsSync(path.join(dir, binary))) throw new Error(`${binary} is not in ${dir}`);
    setWasmPaths(dir);
    const ok = await withoutProcessHandlers(() => tf.setBackend('wasm'));
    if (!ok) throw new Error("tf.setBackend('wasm') returned false (tfjs logged the cause above)");
    await tf.ready();
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    return { name: tf.getBackend(), simd, threads };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String((err as { message?: unknown })?.message ?? err);
    (opts.warn ?? console.warn)(`[ml/nn] the TensorFlow.js WASM backend could not start (${reason}); using the slower 'cpu' backend`);
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    await tf.ready();
    return { name: tf.getBackend(), simd: false, threads: false, fallbackReason: reason };
  }
}
