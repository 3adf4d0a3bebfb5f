import { isIPv4, isIPv6 } from 'node:net';

/** The eight 16-bit groups of an IPv6 address (zone id dropped), or null. */
function ipv6Groups(address: string): number[] | null {
  let text = address.split('%', 1)[0] ?? '';
  if (!isIPv6(text)) return null;
  // A dotted IPv4 tail (::ffff:192.0.2.1) is two hex groups (::ffff:c000:201).
  text = text.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a, b, c, d) =>
    [((Number(a) << 8) | Number(b)).toString(16), ((Number(c) << 8) | Number(d)).toString(16)].join(
      ':',
    ),
  );
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const [head = '', tail] = text.split('::');
  if (tail === undefined) return parse(head);
  const left = parse(head);
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * Whom the rate limit counts: an IPv4 client per address; an IPv6 client
 * per /64 (one subscriber's whole prefix, which it can change at will);
 * an IPv4-mapped IPv6 address (::ffff:192.0.2.1) as its IPv4 address.
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'ip:unknown';
  if (isIPv4(ip)) return `ip:${ip}`;
  const groups = ipv6Groups(ip);
  if (!groups) return `ip:${ip}`;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `ip:${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `ip6:${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
