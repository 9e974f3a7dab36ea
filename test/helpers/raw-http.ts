import http from 'node:http';
import net from 'node:net';

/**
 * A thin client over node:http for hostile requests: unlike fetch it sends the path exactly as
 * given (`../`, `%ff`, raw latin-1 bytes), any method token, repeated headers and raw body bytes.
 */
export interface RawRequest {
  method: string;
  /** Path and query, sent verbatim on the request line. */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Send the body with Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The body parsed as JSON, or undefined. */
  json: any;
}

export function rawRequest(agent: http.Agent, base: URL, req: RawRequest, timeoutMs = 20_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = { ...(req.headers ?? {}) };
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
    if (body !== undefined && !req.chunked && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
      headers['content-length'] = String(body.length);
    }
    let settled = false;
    const r = http.request(
      { agent, host: base.hostname, port: Number(base.port), method: req.method, path: req.path, headers, setHost: true },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const buf = Buffer.concat(chunks);
          const text = buf.toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, text, json });
        });
      },
    );
    const timer = setTimeout(() => {
      fail(new Error(`no response within ${timeoutMs} ms`));
      r.destroy();
    }, timeoutMs);
    function fail(err: Error) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err);
    }
    r.on('error', fail);
    if (body !== undefined && body.length > 0) r.write(body);
    r.end();
  });
}

/**
 * Writes bytes to a fresh TCP connection and collects what comes back until the server closes
 * the connection or `idleMs` passes without data. For requests no HTTP client will form.
 */
export function socketExchange(base: URL, bytes: Buffer | string, idleMs = 1_500): Promise<{ data: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const sock = net.connect(Number(base.port), base.hostname);
    const chunks: Buffer[] = [];
    let closedByServer = false;
    let timer = setTimeout(done, idleMs);
    function done() {
      clearTimeout(timer);
      sock.destroy();
      resolve({ data: Buffer.concat(chunks).toString('latin1'), closedByServer });
    }
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      clearTimeout(timer);
      timer = setTimeout(done, idleMs);
    });
    sock.on('end', () => {
      closedByServer = true;
      done();
    });
    sock.on('error', () => {
      closedByServer = true;
      done();
    });
    sock.on('connect', () => sock.write(bytes));
  });
}

/** Parses the status line and headers of the first response in raw socket data. */
export function parseRawResponse(data: string): { status: number; headers: Record<string, string>; body: string } | undefined {
  const m = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(data);
  if (!m) return undefined;
  const end = data.indexOf('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of data.slice(m[0].length, end < 0 ? undefined : end).split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(m[1]), headers, body: end < 0 ? '' : data.slice(end + 4) };
}
