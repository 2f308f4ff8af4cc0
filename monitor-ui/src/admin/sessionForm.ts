/** What the "new session" form holds. */
export interface SessionFormValue {
  siteId: string;
  kind: 'class' | 'home';
  classId: string;
  name: string;
  coachId: string;
  startNow: boolean;
}

/**
 * The POST /sessions body of the form: a class session names its class, a home session never does
 * (the API refuses both mistakes); empty optional fields are left out rather than sent blank.
 */
export function buildSessionBody(f: SessionFormValue): {
  siteId: string;
  kind: 'class' | 'home';
  name?: string;
  classId?: string;
  coachId?: string;
} {
  const name = f.name.trim();
  const coachId = f.coachId.trim();
  return {
    siteId: f.siteId,
    kind: f.kind,
    ...(name ? { name } : {}),
    ...(f.kind === 'class' && f.classId ? { classId: f.classId } : {}),
    ...(coachId ? { coachId } : {}),
  };
}
