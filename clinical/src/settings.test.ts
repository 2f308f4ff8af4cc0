import { describe, expect, it } from 'vitest';
import { defaultRuleSettings, mergeRuleSettings, ruleSettingsSchema } from './settings.js';

describe('rule settings', () => {
  it('defaults are the documented values and valid', () => {
    expect(ruleSettingsSchema.parse(defaultRuleSettings)).toEqual(defaultRuleSettings);
    expect(defaultRuleSettings.hrAboveZone).toEqual({
      advisoryMarginBpm: 0,
      advisoryHoldMs: 30_000,
      warningMarginBpm: 10,
      warningHoldMs: 15_000,
      clearMarginBpm: 5,
      clearHoldMs: 10_000,
    });
    expect(defaultRuleSettings.rearm).toEqual({ advisoryMs: 60_000, warningMs: 30_000 });
    expect(defaultRuleSettings.signal.maxGapMs).toBe(5000);
    expect(Object.isFrozen(defaultRuleSettings.lifecycle.escalation.critical)).toBe(true);
  });

  it('merges site then prescription overrides deeply; arrays are replaced', () => {
    const site = {
      hrLow: { belowBpm: 42 },
      lifecycle: { escalation: { warning: [{ afterMs: 90_000, target: 'lead' }] } },
    };
    const perRx = { hrLow: { holdMs: 5000 } };
    const s = mergeRuleSettings(defaultRuleSettings, site, perRx);
    expect(s.hrLow).toEqual({ belowBpm: 42, holdMs: 5000, clearAtOrAboveBpm: 45, clearHoldMs: 10_000 });
    expect(s.lifecycle.escalation.warning).toEqual([{ afterMs: 90_000, target: 'lead' }]);
    expect(s.lifecycle.escalation.critical).toEqual(defaultRuleSettings.lifecycle.escalation.critical);
    expect(defaultRuleSettings.hrLow.belowBpm).toBe(40);
  });

  it('refuses unknown keys and bad values with the path', () => {
    expect(() => mergeRuleSettings(defaultRuleSettings, { hrLow: { bellowBpm: 3 } })).toThrow(/hrLow/);
    expect(() => mergeRuleSettings(defaultRuleSettings, { rearm: { advisoryMs: -1 } })).toThrow(/advisoryMs/);
  });
});
