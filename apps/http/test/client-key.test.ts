import { describe, expect, it } from 'vitest';
import { clientKey } from '../src/http/client-key.js';

describe('clientKey: whom the rate limit counts', () => {
  it('an IPv4 client per address', () => {
    expect(clientKey('203.0.113.7')).toBe('ip:203.0.113.7');
    expect(clientKey('203.0.113.8')).not.toBe(clientKey('203.0.113.7'));
  });

  it('an IPv6 client per /64, however the address is written', () => {
    const key = clientKey('2001:db8:1:2::1');
    expect(key).toBe('ip6:2001:db8:1:2::/64');
    for (const same of [
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0db8:0001:0002:0000:0000:0000:0abc',
      '2001:DB8:1:2::abcd',
      '2001:db8:1:2:a:b:c:d',
      '2001:db8:1:2::9%eth0',
    ])
      expect(clientKey(same), same).toBe(key);
    expect(clientKey('2001:db8:1:3::1')).not.toBe(key);
    expect(clientKey('::1')).toBe('ip6:0:0:0:0::/64');
    expect(clientKey('2001:db8::')).toBe('ip6:2001:db8:0:0::/64');
  });

  it('an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(clientKey('::ffff:203.0.113.7')).toBe('ip:203.0.113.7');
    expect(clientKey('::ffff:cb00:7107')).toBe('ip:203.0.113.7');
    expect(clientKey('0:0:0:0:0:ffff:203.0.113.7')).toBe('ip:203.0.113.7');
    expect(clientKey('::ffff:127.0.0.1')).toBe(clientKey('127.0.0.1'));
  });

  it('anything else is its own key', () => {
    expect(clientKey(undefined)).toBe('ip:unknown');
    expect(clientKey('not an address')).toBe('ip:not an address');
  });
});
