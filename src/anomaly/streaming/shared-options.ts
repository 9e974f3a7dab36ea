/**
 * Shared, frozen option objects. A detector reads its options on every point; when thousands of
 * series take turns, a private copy per detector is one more cold cache line per component per
 * point, while one copy shared by every detector of the same configuration stays in cache.
 *
 * Resolved options are frozen (a shared object must not change under other detectors), and a
 * component given the same frozen options object twice shares one resolved copy; an unfrozen
 * object, which its owner may still change, is resolved afresh each time.
 */

const resolved = new WeakMap<object, WeakMap<object, object>>();

/** `{ ...defaults, ...options }`, frozen, and the same object for the same `options` object. */
export function withDefaults<T extends object>(defaults: T, options: Partial<T>): Readonly<T> {
  if (!Object.isFrozen(options)) return Object.freeze({ ...defaults, ...options });
  let byOptions = resolved.get(defaults);
  if (!byOptions) resolved.set(defaults, (byOptions = new WeakMap()));
  let r = byOptions.get(options) as T | undefined;
  if (!r) {
    r = Object.freeze({ ...defaults, ...options });
    byOptions.set(options, r);
  }
  return r;
}

const interned = new Map<string, object>();
/** Distinct configurations kept; past this the table starts afresh (sharing is only an optimisation). */
const MAX_INTERNED = 256;

/**
 * One deep-frozen copy per distinct value of `o` (compared as JSON, −0 kept apart from 0), so
 * detectors built from equal options — by default, or restored from checkpoints — share it. `o`
 * must be plain JSON-able data (as checkpointed options are); it is copied, never frozen itself.
 */
export function intern<T extends object>(o: T): T {
  const key = JSON.stringify(o, (_k, v: unknown) => (Object.is(v, -0) ? '-0' : v));
  const hit = interned.get(key);
  if (hit) return hit as T;
  if (interned.size >= MAX_INTERNED) interned.clear();
  const copy = deepFreeze(structuredClone(o));
  interned.set(key, copy);
  return copy;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
