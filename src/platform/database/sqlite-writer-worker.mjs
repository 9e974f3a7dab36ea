// The SQLite sample writer's thread (plain JavaScript so that Node loads it the same way from
// src/ under tsx and vitest and from dist/ after the build). It owns one connection and writes
// each batch in one transaction, sorted by (series, ts), with multi-row statements: per-row
// calls from JavaScript into SQLite cost more than the rows themselves.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const ROWS_PER_STATEMENT = 256;
const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 10000');
// Each batch lands on many series, i.e. all over the samples B-tree: a page cache far larger
// than SQLite's 2 MB default keeps those pages in memory instead of re-reading them per batch.
db.pragma('cache_size = -131072');
db.pragma('mmap_size = 268435456');

const sql = (rows) =>
  `insert into telemetry_samples (series_id, ts, value) values ${Array.from({ length: rows }, () => '(?, ?, ?)').join(', ')} on conflict do nothing`;
// Prepared on first use: the thread starts before migrations have created the table.
let many;
let one;
const params = new Array(ROWS_PER_STATEMENT * 3);

function write(seriesIds, timestamps, values) {
  many ??= db.prepare(sql(ROWS_PER_STATEMENT));
  one ??= db.prepare(sql(1));
  const n = seriesIds.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => seriesIds[a] - seriesIds[b] || timestamps[a] - timestamps[b]);
  let inserted = 0;
  let j = 0;
  for (; j + ROWS_PER_STATEMENT <= n; j += ROWS_PER_STATEMENT) {
    for (let k = 0; k < ROWS_PER_STATEMENT; k++) {
      const i = order[j + k];
      params[3 * k] = seriesIds[i];
      params[3 * k + 1] = timestamps[i];
      params[3 * k + 2] = values[i];
    }
    inserted += many.run(params).changes;
  }
  for (; j < n; j++) {
    const i = order[j];
    inserted += one.run(seriesIds[i], timestamps[i], values[i]).changes;
  }
  return inserted;
}

// Group commit: batches that arrive while a transaction runs are committed together in the next
// one. Every batch lands on many series, each on its own B-tree leaf; one transaction for several
// batches dirties (and writes to the WAL) each leaf once instead of once per batch.
let queued = [];
let scheduled = false;

const commit = db.transaction((batches) => batches.map((m) => write(new Float64Array(m.seriesIds), new Float64Array(m.timestamps), new Float64Array(m.values))));

function flush() {
  scheduled = false;
  const batches = queued;
  queued = [];
  let counts;
  try {
    counts = commit(batches);
  } catch (err) {
    const error = err && err.message ? err.message : String(err);
    for (const m of batches) parentPort.postMessage({ id: m.id, ok: false, error });
    return;
  }
  batches.forEach((m, i) => parentPort.postMessage({ id: m.id, ok: true, inserted: counts[i] }));
}

parentPort.on('message', (msg) => {
  if (msg.op === 'close') {
    if (queued.length) flush();
    db.close();
    parentPort.postMessage({ id: msg.id, ok: true });
    parentPort.close();
    return;
  }
  queued.push(msg);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});
