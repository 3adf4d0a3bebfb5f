import { ConfigError } from '@signup/adapters';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
};

describe('TRUST_PROXY', () => {
  it('takes a hop count or addresses/subnets, as express does', () => {
    expect(loadConfig({}).trustProxy).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
    expect(
      loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.1, fd00::/8, 172.16.0.0/255.240.0.0' })
        .trustProxy,
    ).toBe('10.0.0.0/8,192.168.1.1,fd00::/8,172.16.0.0/255.240.0.0');
  });

  it('refuses true, naming TRUST_PROXY and why', () => {
    for (const value of ['true', 'TRUE', ' true ']) {
      const error = refusal({ TRUST_PROXY: value });
      expect(error.issues).toHaveLength(1);
      expect(error.issues[0]?.variable).toBe('TRUST_PROXY');
      expect(error.message).toMatch(/TRUST_PROXY must not be true/);
      expect(error.message).toMatch(/any client could choose its own IP/);
      expect(error.message).toMatch(/hop count/);
    }
  });

  it('refuses what is neither a hop count nor addresses', () => {
    for (const value of ['yes', '10.0.0.0/33', '10.0.0.1,nonsense', '::1/129', 'a/b/c']) {
      expect(refusal({ TRUST_PROXY: value }).message, value).toMatch(
        /TRUST_PROXY must be a hop count/,
      );
    }
  });
});

describe('production guard on console mail', () => {
  it('NODE_ENV=production without SMTP_URL refuses to start, saying why and how to mean it', () => {
    const error = refusal({ NODE_ENV: 'production' });
    expect(error.issues.map((i) => i.variable)).toEqual(['SMTP_URL']);
    expect(error.message).toMatch(/activation codes would only reach the log/);
    expect(error.message).toMatch(/MAIL_TRANSPORT=console/);
  });

  it('is named together with every other bad variable', () => {
    const error = refusal({ NODE_ENV: 'production', PORT: 'eighty' });
    expect(error.issues.map((i) => i.variable).sort()).toEqual(['PORT', 'SMTP_URL']);
  });

  it('starts with SMTP_URL, or with MAIL_TRANSPORT=console on purpose', () => {
    expect(
      loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:1025' }).mail.smtpUrl,
    ).toBe('smtp://127.0.0.1:1025');
    expect(loadConfig({ NODE_ENV: 'production', MAIL_TRANSPORT: 'console' }).mail.smtpUrl).toBe(
      undefined,
    );
    // outside production console mail needs no saying
    expect(loadConfig({}).mail.smtpUrl).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'development' }).mail.smtpUrl).toBeUndefined();
  });

  it('refuses MAIL_TRANSPORT=console with an SMTP_URL, and any other value', () => {
    expect(
      refusal({ MAIL_TRANSPORT: 'console', SMTP_URL: 'smtp://127.0.0.1:1025' }).message,
    ).toMatch(/MAIL_TRANSPORT is console, but SMTP_URL is set too/);
    expect(refusal({ MAIL_TRANSPORT: 'smtp' }).message).toMatch(/MAIL_TRANSPORT must be console/);
  });
});
