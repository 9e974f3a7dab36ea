import { it } from 'vitest';
import http from 'node:http';
import { startEngine } from './helpers/engine.js';
import { rawRequest, socketExchange } from './helpers/raw-http.js';
it('probe', async () => {
  const t = await startEngine({ NOVACRON_TELEMETRY_MAX_BATCH: '1000', NOVACRON_BODY_LIMIT_BYTES: String(1 << 20) });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const base = new URL(t.url);
  const auth = { authorization: `Bearer ${t.keys.admin}` };
  const show = async (method: string, path: string, extra: any = {}) => {
    try {
      const r = await rawRequest(agent, base, { method, path, headers: { ...auth, ...(extra.headers ?? {}) }, body: extra.body, chunked: extra.chunked });
      console.log(method, path.slice(0, 80), '→', r.status, r.headers['content-type'], r.text.slice(0, 200));
    } catch (e) { console.log(method, path.slice(0, 80), 'ERR', (e as Error).message); }
  };
  await show('GET', '/api/v1/jobs/%zz');
  await show('GET', '/api/v1/jobs/%ff');
  await show('GET', '/api/v1/jobs/%00');
  await show('GET', '/api/v1/jobs/\xff\xfe');
  await show('GET', '/api/v1/jobs/' + 'x'.repeat(10000));
  await show('GET', '/api/v1/telemetry?entity_id=' + 'x'.repeat(20000) + '&metric=a');
  await show('GET', '/api/v1/telemetry?entity_id=a&metric=a&limit=1&limit=2');
  await show('GET', '/api/v1/telemetry?entity_id=a&metric=a&from=1e308');
  await show('GET', '/api/v1/telemetry?entity_id=a&metric=a&to=99999999999999999999');
  await show('GET', '/api/v1/telemetry?entity_id=a&metric=a&from=-0&to=0.5');
  await show('PUT', '/api/v1/telemetry');
  await show('FOO', '/api/v1/telemetry');
  await show('OPTIONS', '/api/v1/telemetry');
  await show('HEAD', '/api/v1/nowhere');
  await show('GET', '/docs/static/../../package.json');
  await show('GET', '/docs/static/..%2f..%2fpackage.json');
  await show('GET', '/docs/static/nothing.js');
  await show('POST', '/api/v1/telemetry', { body: 'x'.repeat(2 << 20), headers: { 'content-type': 'application/json' } });
  await show('POST', '/api/v1/telemetry', { body: 'x'.repeat(2 << 20), headers: { 'content-type': 'application/json' }, chunked: true });
  await show('POST', '/api/v1/telemetry', { body: '{"samples":[]}' });
  await show('POST', '/api/v1/telemetry', { body: '{"samples":[]}', headers: { 'content-type': 'text/plain' } });
  await show('POST', '/api/v1/telemetry', { body: '{"samples":[]}', headers: { 'content-type': 'application/json; charset=utf-16' } });
  await show('POST', '/api/v1/telemetry', { body: '\ufeff{"samples":[]}', headers: { 'content-type': 'application/json' } });
  await show('POST', '/api/v1/telemetry', { body: '{"__proto__":{"x":1},"samples":[]}', headers: { 'content-type': 'application/json' } });
  await show('POST', '/api/v1/telemetry', { body: '{"constructor":{"prototype":{"x":1}},"samples":[]}', headers: { 'content-type': 'application/json' } });
  await show('POST', '/api/v1/telemetry', { body: '{"samples":' + '['.repeat(10000) + ']'.repeat(10000) + '}', headers: { 'content-type': 'application/json' } });
  await show('POST', '/api/v1/process', { body: '{"service":"a","method":"b","data":{"a":' + '{"a":'.repeat(10000) + '1' + '}'.repeat(10000) + '}}', headers: { 'content-type': 'application/json' } });
  await show('POST', '/api/v1/models/failure/versions', { body: '{"algorithm":"x","parameters":{"a":' + '['.repeat(10000) + ']'.repeat(10000) + '}}', headers: { 'content-type': 'application/json' } });
  await show('POST', '/api/v1/models/failure/versions', { body: '{"algorithm":"x","artifact":{"a":' + '['.repeat(10000) + ']'.repeat(10000) + '}}', headers: { 'content-type': 'application/json' } });
  await show('POST', '/api/v1/jobs', { body: '{"type":"x","payload":{"a":' + '['.repeat(10000) + ']'.repeat(10000) + '}}', headers: { 'content-type': 'application/json' } });
  await show('POST', '/api/v1/telemetry', { body: `{"samples":[{"entity_id":"a","metric":"cpu_utilization","timestamp":1e999,"value":1e999}]}`, headers: { 'content-type': 'application/json' } });
  await show('POST', '/api/v1/telemetry', { body: `{"samples":[{"entity_id":"a","metric":"cpu_utilization","timestamp":-1e308,"value":-0}]}`, headers: { 'content-type': 'application/json' } });
  await show('GET', '/api/v1/jobs', {});
  await show('POST', '/api/v1/process', { body: '{"service":"x","method":"y"}', headers: { 'content-type': 'application/json' } });
  for (const raw of ['GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 'GARBAGE\r\n\r\n', 'GET /health HTTP/1.1\r\nHost: x\r\nX: ' + 'a'.repeat(20000) + '\r\n\r\n', 'POST /api/v1/telemetry HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n']) {
    const r = await socketExchange(base, raw);
    console.log('RAW', JSON.stringify(raw.slice(0, 60)), '→', JSON.stringify(r.data.slice(0, 300)));
  }
  agent.destroy();
  await t.close();
}, 60000);
