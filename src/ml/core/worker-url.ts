/**
 * The URL of a worker entry beside this file. Sources name it `./x-worker.ts` (tsx and vitest run
 * the .ts); in the compiled dist/ this module is a .js file and so is the worker, so the
 * extension follows this module's own.
 */
export function workerEntry(tsUrl: URL): URL {
  if (!import.meta.url.endsWith('.js') || !tsUrl.pathname.endsWith('.ts')) return tsUrl;
  const url = new URL(tsUrl.href);
  url.pathname = url.pathname.slice(0, -3) + '.js';
  return url;
}
