// Countly's time objects: {"2024": {"10": {"15": {"13": {...}}}}} with keys in the app's time
// zone. The dashboard walks them for the days it shows, computed in that same zone.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The zone if the browser knows it, else UTC. */
export function knownZone(zone) {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

/** "GMT+3" for a zone (its offset now). */
export function offsetName(zone) {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' })
      .formatToParts(new Date()).find(p => p.type === 'timeZoneName')?.value ?? '';
  } catch {
    return '';
  }
}

/** The current wall-clock date and hour in zone. */
export function nowIn(zone, date = new Date()) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23',
  }).formatToParts(date);
  const get = type => Number(parts.find(p => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour') % 24, minute: get('minute') };
}

const pad = n => String(n).padStart(2, '0');

/** The n calendar days ending today in zone, oldest first: { year, month, day, id: "2024-10-15", label: "15 Oct" }. */
export function lastDays(zone, n) {
  const today = nowIn(zone);
  const days = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day - i));
    const year = d.getUTCFullYear();
    const month = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    days.push({ year, month, day, id: `${year}-${pad(month)}-${pad(day)}`, label: `${day} ${MONTHS[month - 1]}` });
  }
  return days;
}

/** "20241015" → "15 Oct 2024" (retention cohort ids). */
export function cohortLabel(id) {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(String(id));
  return m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}` : String(id);
}

/** "HH:MM:SS" of a Unix ms time in zone. */
export function clock(ms, zone) {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
}

/** obj[a][b][c]… with unpadded string keys; undefined when a level is missing. */
export function at(obj, ...path) {
  let current = obj;
  for (const key of path) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = current[String(key)];
  }
  return current;
}

/** A finite number or 0. */
export function num(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** The day objects of the given days. */
export function dayObjects(timeObject, days) {
  return days.map(d => at(timeObject, d.year, d.month, d.day));
}
