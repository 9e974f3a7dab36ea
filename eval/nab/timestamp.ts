/**
 * NAB timestamps are naive wall-clock strings ("2014-04-10 07:15:00", windows add ".000000").
 * NAB (pandas) compares them as naive datetimes, so reading them all as UTC keeps every
 * comparison and every gap exact: no time zone or DST shift can merge or split two rows.
 */
const NAB_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** Epoch milliseconds of a NAB timestamp read as UTC. */
export function parseNabTimestamp(text: string): number {
  const m = NAB_TIMESTAMP.exec(text.trim());
  if (!m) throw new Error(`not a NAB timestamp: "${text}"`);
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac ? Math.floor(Number(frac.padEnd(6, '0')) / 1000) : 0;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
}

/** The NAB spelling of an epoch-ms timestamp ("YYYY-MM-DD HH:MM:SS"), for messages and tests. */
export function formatNabTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}
