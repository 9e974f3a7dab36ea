/**
 * TensorFlow.js for the LSTM models, on the WebAssembly backend.
 *
 * Importing this module initialises tfjs once per thread (module instances are per thread, so the
 * main thread and every training worker each get their own): the `.wasm` binaries are read from
 * the installed `@tensorflow/tfjs-backend-wasm/dist` folder through the file system, so nothing is
 * fetched from the network. In Node the WASM backend runs single-threaded (tfjs turns WASM threads
 * off in Node, tensorflow/tfjs#3830) and uses the SIMD binary when the engine validates SIMD, which
 * Node 20 does. A training fit runs in its own worker thread, so one fit uses one core.
 *
 * If the WASM backend cannot start, this falls back to tfjs's pure-JavaScript 'cpu' backend
 * (several times slower); the reason is logged once and kept in `tfjsBackend.fallbackReason`. Numbers
 * are reproducible bit for bit only on the same backend.
 *
 * The module initialises with top-level await so that prediction stays synchronous: whoever
 * imports a model gets a ready backend.
 */
import { initialiseTfjs, type TfjsBackendInfo } from './tfjs-init.js';

export { tf, type TfjsBackendInfo } from './tfjs-init.js';

/** The backend this thread computes on (initialised when this module is first imported). */
export const tfjsBackend: Readonly<TfjsBackendInfo> = Object.freeze(await initialiseTfjs());
