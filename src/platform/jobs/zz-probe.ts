import { BullmqJobQueue } from './bullmq-queue.js';
const warns: string[] = [];
const logger = { warn: (o: any, m: string) => warns.push(`${m} ${o?.source} ${o?.err?.message}`), error: (o: any, m: string) => warns.push(m) } as any;
process.on('unhandledRejection', (e) => { console.log('UNHANDLED', e); });
const q = new BullmqJobQueue({ redisUrl: 'redis://127.0.0.1:6390', prefix: 'probe', logger });
q.register('x', async () => ({}));
await q.startProcessing();
let t = Date.now();
try { await q.enqueue('x'); console.log('enqueued?!'); } catch (e) { console.log('enqueue rejected after', Date.now() - t, 'ms:', (e as Error).message); }
t = Date.now();
try { await q.ping(); } catch (e) { console.log('ping rejected after', Date.now() - t, 'ms:', (e as Error).message); }
t = Date.now();
await q.close(500);
console.log('closed after', Date.now() - t, 'ms');
console.log(warns);
// ignore-signal case with real redis
const q2 = new BullmqJobQueue({ redisUrl: 'redis://127.0.0.1:6379', prefix: 'probe2', logger });
q2.register('stubborn', async () => { await new Promise((r) => setTimeout(r, 3000)); return { late: true }; });
await q2.startProcessing();
const j = await q2.enqueue('stubborn');
await new Promise((r) => setTimeout(r, 100));
t = Date.now();
await q2.close(200);
console.log('stubborn close after', Date.now() - t, 'ms');
setTimeout(() => console.log('after late completion', warns.slice(-3)), 3500);
