import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Role } from '../config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/index.js';

/**
 * API keys look like `nck_<id>_<secret>`. The id is public (it names the key in logs, lists and
 * audit entries); only a SHA-256 of the whole key is stored. Keys carry 192 random bits, so a
 * fast hash is enough: there is nothing to brute-force the way there is with passwords.
 */
const KEY_PATTERN = /^nck_([a-z0-9]{12})_([A-Za-z0-9_-]{32})$/;

export interface IssuedKey {
  id: string;
  key: string;
  role: Role;
  name: string;
  createdAt: number;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function parseKeyId(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

export function hashesMatch(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

function randomId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(12);
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return s;
}

export async function createApiKey(store: Store, name: string, role: Role): Promise<IssuedKey> {
  const id = randomId();
  const key = `nck_${id}_${randomBytes(24).toString('base64url')}`;
  const createdAt = Date.now();
  await store.apiKeys.insert({ id, name, role, hash: hashKey(key), created_at: createdAt, last_used_at: null, revoked_at: null });
  return { id, key, role, name, createdAt };
}

export function adminKeyPath(dataDir: string): string {
  return path.join(dataDir, 'admin.key');
}

/**
 * First start: with no usable key the engine would be unreachable, so it creates an admin key
 * and writes it to `<data>/admin.key` (mode 0600). Only the path is logged, never the key.
 */
export async function ensureFirstAdminKey(store: Store, dataDir: string, logger: Logger): Promise<string | undefined> {
  if ((await store.apiKeys.countActive()) > 0) return undefined;
  const issued = await createApiKey(store, 'first-admin', 'admin');
  fs.mkdirSync(dataDir, { recursive: true });
  const file = adminKeyPath(dataDir);
  fs.writeFileSync(file, `${issued.key}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  logger.warn({ path: file, key_id: issued.id }, 'no API keys existed: created an admin key and wrote it to this file (readable by the owner only)');
  return file;
}
