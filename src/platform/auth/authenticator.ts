import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ROLES, type Config, type Role } from '../config.js';
import { Problem } from '../errors.js';
import type { Store } from '../store/index.js';
import { hashKey, hashesMatch, parseKeyId } from './api-keys.js';
import type { Principal } from './principal.js';

export interface Credentials {
  apiKey?: string;
  bearer?: string;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const KEY_CACHE_MS = 5_000;
const TOUCH_EVERY_MS = 60_000;

function unauthorized(detail: string): Problem {
  return new Problem(401, 'unauthorized', detail, [], { 'www-authenticate': 'Bearer' });
}

/** Reads a dotted claim path such as `realm_access.role`. */
function claim(payload: JWTPayload, dotted: string): unknown {
  let cur: unknown = payload;
  for (const part of dotted.split('.')) {
    if (cur == null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Picks the strongest known role from a claim holding a role name or a list of them. */
function roleFromClaim(value: unknown): Role | undefined {
  const names = Array.isArray(value) ? value : [value];
  let best: Role | undefined;
  for (const n of names) {
    if (typeof n !== 'string') continue;
    const r = n.toLowerCase() as Role;
    if (ROLES.includes(r) && (!best || ROLES.indexOf(r) > ROLES.indexOf(best))) best = r;
  }
  return best;
}

/**
 * Turns request credentials into a Principal: API keys (X-API-Key or Bearer) checked against
 * their stored hash, JWT bearer tokens (HS256 secret or a JWKS), or the configured anonymous
 * role when no credentials are sent. Bad credentials are always 401, even where anonymous
 * access is allowed: a caller who sent a key expects it to be used.
 */
export class Authenticator {
  private readonly jwtKey: Uint8Array | JWTVerifyGetKey | undefined;
  private readonly keyCache = new Map<string, { principal: Principal; hash: string; until: number }>();
  private readonly lastTouch = new Map<string, number>();

  constructor(private readonly config: Config, private readonly store: Store) {
    if (config.jwtJwksUrl) this.jwtKey = createRemoteJWKSet(new URL(config.jwtJwksUrl));
    else if (config.jwtSecret) this.jwtKey = new TextEncoder().encode(config.jwtSecret);
  }

  get anonymousRole(): Role | undefined {
    return this.config.anonymousRole;
  }

  /** Resolves to the principal, or undefined when no credentials were sent and anonymous access is off. */
  async authenticate(c: Credentials): Promise<Principal | undefined> {
    if (c.apiKey !== undefined) return this.verifyApiKey(c.apiKey);
    if (c.bearer !== undefined) {
      if (parseKeyId(c.bearer)) return this.verifyApiKey(c.bearer);
      if (JWT_SHAPE.test(c.bearer)) return this.verifyJwt(c.bearer);
      throw unauthorized('The bearer credential is neither an API key nor a JWT');
    }
    if (this.config.anonymousRole) return { kind: 'anonymous', id: 'anonymous', role: this.config.anonymousRole };
    return undefined;
  }

  private async verifyApiKey(key: string): Promise<Principal> {
    const id = parseKeyId(key);
    if (!id) throw unauthorized('Malformed API key');
    const hash = hashKey(key);
    const now = Date.now();
    const cached = this.keyCache.get(id);
    if (cached && cached.until > now && hashesMatch(cached.hash, hash)) return cached.principal;
    const row = await this.store.apiKeys.get(id);
    if (!row || row.revoked_at != null || !hashesMatch(row.hash, hash)) {
      this.keyCache.delete(id);
      throw unauthorized('Unknown or revoked API key');
    }
    const principal: Principal = { kind: 'api_key', id: row.id, role: row.role as Role };
    if (this.keyCache.size > 10_000) this.keyCache.clear();
    this.keyCache.set(id, { principal, hash, until: now + KEY_CACHE_MS });
    if ((this.lastTouch.get(id) ?? 0) + TOUCH_EVERY_MS < now) {
      this.lastTouch.set(id, now);
      await this.store.apiKeys.touch(id, now);
    }
    return principal;
  }

  /** Forgets cached verifications so that a revoked key stops working at once in this process. */
  forget(id: string): void {
    this.keyCache.delete(id);
  }

  private async verifyJwt(token: string): Promise<Principal> {
    if (!this.jwtKey) throw unauthorized('Bearer tokens are not accepted: no JWT secret or JWKS URL is configured');
    let payload: JWTPayload;
    try {
      const opts = {
        algorithms: this.config.jwtJwksUrl ? ['RS256', 'ES256'] : ['HS256'],
        issuer: this.config.jwtIssuer,
        audience: this.config.jwtAudience,
      };
      payload =
        this.jwtKey instanceof Uint8Array
          ? (await jwtVerify(token, this.jwtKey, opts)).payload
          : (await jwtVerify(token, this.jwtKey, opts)).payload;
    } catch (err) {
      throw unauthorized(`Invalid bearer token: ${(err as Error).message}`);
    }
    const role = roleFromClaim(claim(payload, this.config.jwtRoleClaim));
    if (!role) throw new Problem(403, 'forbidden', `The token's "${this.config.jwtRoleClaim}" claim names no role (viewer, operator or admin)`);
    return { kind: 'jwt', id: String(payload.sub ?? 'jwt'), role };
  }
}
