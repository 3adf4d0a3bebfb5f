const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** "45 seconds", "2 minutes 5 seconds", "3 hours 12 minutes": a wait, rounded up to the second. */
export function formatWait(seconds: number): string {
  const total = Math.max(1, Math.ceil(seconds));
  if (total < 60) return plural(total, 'second');
  if (total < 3600) {
    const rest = total % 60;
    return `${plural(Math.floor(total / 60), 'minute')}${rest ? ` ${plural(rest, 'second')}` : ''}`;
  }
  const minutes = Math.ceil((total % 3600) / 60);
  return `${plural(Math.floor(total / 3600), 'hour')}${minutes ? ` ${plural(minutes, 'minute')}` : ''}`;
}

/** "14:05:30 UTC", with the date in front when it is not `now`'s day. */
export function formatTime(at: Date, now: Date): string {
  const iso = at.toISOString();
  const time = `${iso.slice(11, 19)} UTC`;
  return iso.slice(0, 10) === now.toISOString().slice(0, 10) ? time : `${iso.slice(0, 10)} ${time}`;
}
