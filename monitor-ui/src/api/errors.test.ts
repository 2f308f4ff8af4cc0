import { FIELD_CHECK_CODES } from '@zonewatch/protocol';
import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.js';
import { translate } from '../i18n/i18n.js';
import { zhCN } from '../i18n/zh-CN.js';
import { describeError, ERROR_KEY, fieldErrors, issueWording } from './errors.js';

describe('server error messages', () => {
  it('every known code has a message in both languages', () => {
    for (const key of Object.values(ERROR_KEY)) {
      expect(en[key], key).toBeTruthy();
      expect(zhCN[key], key).toBeTruthy();
    }
  });

  it('a known code is translated; the server text stays as the detail where it names what was wrong', () => {
    expect(describeError('ZW_ERR_VALIDATION', 400, 'body.alias: must not be empty')).toEqual({
      key: 'error.validation',
      detail: 'body.alias: must not be empty',
    });
    expect(describeError('ZW_ERR_INVALID_STATE', 409, 'gateway gw-1 is revoked')).toEqual({
      key: 'error.invalidState',
      detail: 'gateway gw-1 is revoked',
    });
    // Nothing to add: a 404 never says more, a 500 says "internal error".
    expect(describeError('ZW_ERR_NOT_FOUND', 404, 'participant p-9 not found')).toEqual({
      key: 'error.notFound',
      detail: null,
    });
    expect(describeError('ZW_ERR_INTERNAL', 500, 'internal error')).toEqual({
      key: 'error.internal',
      detail: null,
    });
  });

  it('socket acknowledgement codes are translated too', () => {
    expect(describeError('already-acknowledged', 409, 'already-acknowledged').key).toBe(
      'error.alreadyAcknowledged',
    );
    expect(describeError('already-closed', 409, 'already-closed').key).toBe('error.alreadyClosed');
  });

  it('falls back to the server text for an unknown code, and says when the server is unreachable', () => {
    expect(describeError('ZW_ERR_SOMETHING_NEW', 418, 'teapot')).toEqual({ key: null, detail: 'teapot' });
    expect(describeError(null, 502, 'Bad Gateway')).toEqual({ key: null, detail: 'Bad Gateway' });
    expect(describeError('toString', 400, 'x')).toEqual({ key: null, detail: 'x' });
    expect(describeError(null, 0, 'Failed to fetch')).toEqual({ key: 'error.unreachable', detail: null });
  });
});

describe('fieldErrors', () => {
  it('maps issues to form fields without the request part, first reason per field', () => {
    expect(
      fieldErrors([
        { path: 'body.alias', message: 'must not be empty' },
        { path: 'body.alias', message: 'second reason' },
        { path: 'body.clinical.ageYears', message: 'too big' },
        { path: 'querystring.siteId', message: 'bad' },
        { path: 'body', message: 'must change alias or active' },
      ]),
    ).toEqual({ alias: 'must not be empty', 'clinical.ageYears': 'too big' });
    expect(fieldErrors([{ path: 'querystring.siteId', message: 'bad' }], 'querystring')).toEqual({
      siteId: 'bad',
    });
  });
});

describe("refused values (issue 14: worded from their code, never the server's English)", () => {
  it('every field check of the contract has its own wording in both languages', () => {
    const keys = new Set(FIELD_CHECK_CODES.map((code) => issueWording({ code }).key));
    expect(keys.size).toBe(FIELD_CHECK_CODES.length);
    expect(keys.has('check.invalid')).toBe(false);
    for (const key of keys) {
      expect(en[key], key).toBeTruthy();
      expect(zhCN[key], key).toBeTruthy();
    }
  });

  it("zod's own checks are worded with their bound; an unknown code is a plain refusal", () => {
    const zh = (i: Parameters<typeof issueWording>[0]) => {
      const w = issueWording(i);
      return translate(zhCN, w.key, w.params);
    };
    expect(zh({ code: 'too_big', params: { max: 40, origin: 'string' } })).toBe('最多 40 个字符');
    expect(zh({ code: 'too_small', params: { min: 60, origin: 'number' } })).toBe('不能小于 60');
    expect(zh({ code: 'too_small', params: { min: 1, origin: 'string' } })).toBe('不能为空');
    expect(zh({ code: 'too_small', params: { min: 3, origin: 'string' } })).toBe('至少 3 个字符');
    expect(zh({ code: 'required' })).toBe('必填');
    expect(zh({ code: 'ZONE_LOW_NOT_BELOW_HIGH', params: { low: 130, high: 120 } })).toBe(
      '区间下限须低于区间上限',
    );
    expect(zh({ code: 'something_new' })).toBe('此数值未被接受');
    expect(zh({})).toBe('此数值未被接受');
  });
});
