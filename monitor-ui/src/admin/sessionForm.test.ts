import { describe, expect, it } from 'vitest';
import { buildSessionBody } from './sessionForm.js';

const base = { siteId: 'site-a', classId: 'c-1', name: '', coachId: '', startNow: false };

describe('new session form → POST /sessions body', () => {
  it('a class session names its class; blanks are left out', () => {
    expect(buildSessionBody({ ...base, kind: 'class', name: '  Thursday  ' })).toEqual({
      siteId: 'site-a',
      kind: 'class',
      classId: 'c-1',
      name: 'Thursday',
    });
  });

  it('a home session never sends a class (the API refuses it), and carries its coach', () => {
    expect(buildSessionBody({ ...base, kind: 'home', coachId: ' u-coach ' })).toEqual({
      siteId: 'site-a',
      kind: 'home',
      coachId: 'u-coach',
    });
    expect(buildSessionBody({ ...base, kind: 'home' })).toEqual({ siteId: 'site-a', kind: 'home' });
  });
});
