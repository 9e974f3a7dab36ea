import { BullmqJobQueue } from './bullmq-queue.js';
const logger = { warn: (o: any, m: string) => console.log('WARN', m, o?.err?.message ?? ''), error: () => {} } as any;
const mode = process.argv[2];
const url = mode === 'down' ? 'redis://127.0.0.1:6390' : 'redis://127.0.0.1:6379';
const q = new BullmqJobQueue({ redisUrl: url, prefix: 'probe-' + mode, logger });
q.register('stubborn', async () => { await new Promise((r) => setTimeout(r, 1500)); return { late: true }; });
q.register('quick', async () => ({}));
await q.startProcessing();
if (mode === 'stubborn') { await q.enqueue('stubborn'); await new Promise((r) => setTimeout(r, 100)); }
if (mode === 'down') { await q.enqueue('quick').catch((e) => console.log('enqueue:', e.message)); }
if (mode === 'up') { await q.enqueue('quick'); await new Promise((r) => setTimeout(r, 100)); }
const t = Date.now();
await q.close(200);
console.log(mode, 'close after', Date.now() - t, 'ms');
setTimeout(() => {
  const hs = (process as any).getActiveResourcesInfo();
  console.log('handles at +4s', hs);
}, 4000).unref();
const w: any = (q as any).worker;
const b = w.getBackend();
setTimeout(() => {
  console.log('blocking', b.blockingConnection?.status, b.blockingConnection?._client?.status, 'main', b.connection?.status, b.connection?._client?.status, 'ours', (q as any).connection.status, (q as any).workerConnection.status, 'worker running', w.running, w.closing ? 'closing' : '');
}, 3000).unref();
const ours = (q as any).connection, wc = (q as any).workerConnection;
console.log('right after close', ours.status, wc.status);
for (const ev of ['connect', 'reconnecting', 'end', 'close']) { wc.on(ev, () => console.log('wc event', ev, new Error().stack?.split('\n').slice(2, 9).join(' | '))); }
