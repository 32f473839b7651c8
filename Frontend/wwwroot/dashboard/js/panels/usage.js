// /o?method=sessions: sessions (t), users (u) and new users (n) per day for 30 days and per hour today.
import { dataTable } from '../dom.js';
import { bar, colors, draw, integerAxis, line } from '../charts.js';
import { at, lastDays, nowIn, num } from '../time.js';

const COLUMNS = [
  { key: 't', label: 'Sessions' },
  { key: 'u', label: 'Users' },
  { key: 'n', label: 'New users' },
];

function figures(node) {
  return { t: num(node?.t), u: num(node?.u), n: num(node?.n) };
}

/** Loads the users time object into the daily and hourly panels. */
export async function loadUsage(ctx, panels) {
  const { daily, hourly } = panels;
  daily.loading();
  hourly.loading();
  let data;
  try {
    data = await ctx.api.read(ctx.app.id, 'sessions', { period: '30days' }, ctx.signal);
  } catch (e) {
    if (ctx.current() && e?.name !== 'AbortError') {
      daily.error(e);
      hourly.error(e);
    }
    return;
  }
  if (!ctx.current()) {
    return;
  }

  const days = lastDays(ctx.app.zone, 30);
  const dayRows = days.map(d => ({ id: d.id, label: d.label, values: figures(at(data, d.year, d.month, d.day)) }));
  draw(document.getElementById('daily-chart'), {
    type: 'line',
    data: {
      labels: dayRows.map(r => r.label),
      datasets: [
        line('Sessions', dayRows.map(r => r.values.t), colors.sessions, { fill: true }),
        line('Users', dayRows.map(r => r.values.u), colors.users, { borderDash: [6, 4] }),
        line('New users', dayRows.map(r => r.values.n), colors.newUsers),
      ],
    },
    options: { scales: { y: integerAxis, x: { ticks: { maxRotation: 0, autoSkipPadding: 14 } } } },
  });
  daily.slot('table').replaceChildren(dataTable('daily', 'Day', COLUMNS, [...dayRows].reverse()));
  if (dayRows.every(r => r.values.t === 0 && r.values.u === 0)) {
    daily.empty('No sessions in the last 30 days');
  } else {
    daily.ready();
  }

  const today = days[days.length - 1];
  const hourNow = nowIn(ctx.app.zone).hour;
  const todayNode = at(data, today.year, today.month, today.day);
  const hours = Array.from({ length: 24 }, (_, hour) => ({
    id: String(hour),
    label: `${String(hour).padStart(2, '0')}:00`,
    values: figures(at(todayNode, hour)),
  }));
  // Hours still to come are gaps, not zeros.
  const series = key => hours.map((r, hour) => (hour <= hourNow ? r.values[key] : null));
  draw(document.getElementById('hourly-chart'), {
    type: 'bar',
    data: {
      labels: hours.map(r => r.label),
      datasets: [
        bar('Sessions', series('t'), colors.sessions),
        bar('Users', series('u'), colors.users),
        bar('New users', series('n'), colors.newUsers),
      ],
    },
    options: { scales: { y: integerAxis, x: { ticks: { maxRotation: 0, autoSkipPadding: 10 } } } },
  });
  hourly.slot('subtitle').textContent = `${today.label}, ${ctx.app.zone}`;
  hourly.slot('table').replaceChildren(dataTable('hourly', 'Hour', COLUMNS, hours.slice(0, hourNow + 1).reverse()));
  if (hours.every(r => r.values.t === 0 && r.values.u === 0)) {
    hourly.empty('No sessions today yet');
  } else {
    hourly.ready();
  }
}
