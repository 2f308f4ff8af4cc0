import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { type CapturedLog, captureLog } from './helpers.js';
import { startWebStack, type WebStack } from './web-stack.js';

/** A fresh documentation address (RFC 5737) per call: what an attacker rotates `X-Forwarded-For` through. */
let n = 0;
const forged = () => ({ 'x-forwarded-for': `203.0.113.${(n++ % 250) + 1}` });

/**
 * Issue 13 hole 2: the lock-out was keyed on `X-Forwarded-For` from anyone (`trustProxy: true` hard-coded),
 * so a locked address logged in by adding the header, rotating it gave 24 guesses before the per-user lock,
 * and spraying 60 usernames never tripped a lock. Real app, real HTTP, default limits.
 */
describe('hole 2: login lock-out bypassed with a forged X-Forwarded-For', () => {
  describe('without TRUST_PROXY (the default)', () => {
    let stack: WebStack;
    let log: CapturedLog;
    beforeAll(async () => {
      log = captureLog('info');
      stack = await startWebStack({}, log.logger);
    });
    afterAll(() => stack?.close());

    it('a locked address cannot log in by adding or rotating the header', async () => {
      const { username, password } = stack.user('instructor');
      for (let i = 0; i < 5; i++) await stack.login(username, 'wrong password');
      const direct = await stack.login(username, password);
      expect(direct.status).toBe(429);
      expect(Number(direct.headers.get('retry-after'))).toBeGreaterThan(0);
      for (let i = 0; i < 3; i++) {
        const res = await stack.login(username, password, forged());
        expect(res.status, 'with a forged X-Forwarded-For').toBe(429);
        expect(((await res.json()) as { error: string }).error).toBe('ZW_ERR_LOGIN_LOCKED');
      }
    });

    it('logs each failed login with username and real address, never the password', async () => {
      const secret = 'Never-Log-Me-7f3a9c';
      const { username } = stack.user('clinician');
      const res = await stack.login(username, secret, forged());
      expect(res.status).toBe(401);
      const line = await log.waitFor((l) => l.username === username, 5000, 'the failed login');
      expect(line).toMatchObject({ username, address: '127.0.0.1', outcome: 'failed', level: 40 });
      const locked = await log.waitFor(
        (l) => l.outcome === 'locked' && l.username === stack.user('instructor').username,
        5000,
        'the refused login while locked',
      );
      expect(locked.address).toBe('127.0.0.1');
      expect(log.raw.join('\n')).not.toContain(secret);
      expect(log.raw.join('\n')).not.toContain(stack.user('instructor').password);
    });

    it('spraying many usernames from one address trips the per-address lock, forged headers or not', {
      timeout: 120_000,
    }, async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) {
        statuses.push((await stack.login(`sprayed-${i}`, 'Winter2026!', forged())).status);
      }
      const first = statuses.indexOf(429);
      expect(first, `statuses: ${statuses.join(',')}`).toBeGreaterThan(0);
      expect(first).toBeLessThanOrEqual(50);
      expect(statuses.slice(first).every((s) => s === 429)).toBe(true);
      // The address is locked for everyone's names, the right password included.
      const { username, password } = stack.user('coach');
      expect((await stack.login(username, password)).status).toBe(429);
    });
  });

  describe('with TRUST_PROXY set to the proxy address', () => {
    let stack: WebStack;
    let log: CapturedLog;
    beforeAll(async () => {
      log = captureLog('info');
      // The test talks to ingest from 127.0.0.1: that is "the proxy".
      stack = await startWebStack({ TRUST_PROXY: '127.0.0.1' }, log.logger);
    });
    afterAll(() => stack?.close());

    it('locks the client address the proxy names, not the proxy', async () => {
      const { username, password } = stack.user('instructor');
      const client = { 'x-forwarded-for': '198.51.100.7' };
      for (let i = 0; i < 5; i++) await stack.login(username, 'wrong password', client);
      expect((await stack.login(username, password, client)).status).toBe(429);
      const line = await log.waitFor((l) => l.username === username, 5000, 'a failed login');
      expect(line.address).toBe('198.51.100.7');
      // Another client behind the same proxy, and the proxy's own address, are not locked.
      expect((await stack.login(username, password, { 'x-forwarded-for': '198.51.100.8' })).status).toBe(200);
      expect((await stack.login(username, password)).status).toBe(200);
    });
  });

  it('TRUST_PROXY must be true, false or proxy addresses; anything else stops start-up naming it', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16, ::1' }).TRUST_PROXY).toBe(
      '10.0.0.1,192.168.0.0/16,::1',
    );
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).TRUST_PROXY).toBe('loopback');
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.example.org' })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.example.org' })).toThrow(
      /TRUST_PROXY="proxy\.example\.org": .*proxy\.example\.org/,
    );
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.1/40' })).toThrow(/TRUST_PROXY/);
  });
});
