import { useSignal } from '@preact/signals';
import { ApiError } from '../../api/client.js';
import { fieldErrors } from '../../api/errors.js';
import { formatNumber } from '../../format.js';
import { t } from '../../i18n/store.js';
import {
  ASSESSMENT_GROUPS,
  ASSESSMENT_KINDS,
  type AssessmentField,
  type AssessmentFormState,
  type AssessmentKind,
  bmiOf,
  checkAssessment,
  emptyAssessmentForm,
  type FieldProblem,
  formToAssessment,
  measureOf,
  problemsOf,
} from '../../record/assessmentForm.js';
import { CHOICE_KEY, FIELD_KEY, GROUP_KEY, KIND_KEY, PROBLEM_KEY, UNIT_KEY } from '../../record/labels.js';
import { errorText } from '../admin/common.js';
import { Data } from '../Msg.js';

/** A field's label with its unit ("Resting HR (bpm)"). */
export function fieldLabel(path: string): string {
  const label = FIELD_KEY[path] ? t(FIELD_KEY[path]) : path;
  const unit = measureOf(path)?.unit;
  const unitKey = unit ? UNIT_KEY[unit] : undefined;
  return unitKey ? t('record.labelUnit', { label, unit: t(unitKey) }) : label;
}

/** A coded problem in the console's language. */
export function problemText(p: FieldProblem): string {
  switch (p.code) {
    case 'range':
      return t(PROBLEM_KEY.range, {
        min: p.min,
        max: p.max,
        unit: UNIT_KEY[p.unit] ? t(UNIT_KEY[p.unit] as never) : p.unit,
      });
    case 'whole':
      return t(PROBLEM_KEY.whole);
    case 'other':
      return t(PROBLEM_KEY.other, { message: p.message });
    default:
      return t(PROBLEM_KEY[p.code]);
  }
}

export function today(nowMs: number): string {
  const d = new Date(nowMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function FieldInput({
  field,
  value,
  problem,
  onInput,
}: {
  field: AssessmentField;
  value: string;
  problem: FieldProblem | undefined;
  onInput(v: string): void;
}) {
  const label = fieldLabel(field.path);
  const invalid = problem ? 'true' : undefined;
  const error = problem && (
    <span class="field-error error" role="alert" data-testid="field-error" data-field={field.path}>
      {problemText(problem)}
    </span>
  );
  if (field.kind === 'flag')
    return (
      <label class="field-check">
        <input
          type="checkbox"
          name={field.path}
          checked={value === 'true'}
          onChange={(e) => onInput(e.currentTarget.checked ? 'true' : '')}
        />{' '}
        {label}
        {error}
      </label>
    );
  const m = measureOf(field.path);
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is one of two elements chosen below
    <label class={`field${problem ? ' field-invalid' : ''}`}>
      <span class="field-label">{label}</span>
      {field.kind === 'choice' ? (
        <select
          name={field.path}
          value={value}
          aria-invalid={invalid}
          onChange={(e) => onInput(e.currentTarget.value)}
        >
          <option value="">{t('record.form.notMeasured')}</option>
          {field.options.map((o) => (
            <option key={o} value={o}>
              {CHOICE_KEY[o] ? t(CHOICE_KEY[o]) : o}
            </option>
          ))}
        </select>
      ) : (
        <input
          name={field.path}
          inputMode="decimal"
          autocomplete="off"
          value={value}
          aria-invalid={invalid}
          {...(m ? { 'data-min': m.min, 'data-max': m.max } : {})}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      )}
      {error}
    </label>
  );
}

/**
 * Records an assessment: any subset of the fields, each with its unit; the protocol schema checks it in the
 * browser first, and the server's refusals land on the fields they name, worded in the console's language.
 */
export function AssessmentForm({
  participantId,
  nowMs,
  initialKind,
  save,
  onSaved,
  onCancel,
}: {
  participantId: string;
  nowMs: number;
  initialKind: AssessmentKind;
  save(body: ReturnType<typeof formToAssessment>): Promise<{ id: string }>;
  onSaved(id: string): void;
  onCancel(): void;
}) {
  const form = useSignal<AssessmentFormState>(emptyAssessmentForm(today(nowMs), initialKind));
  const problems = useSignal<Record<string, FieldProblem>>({});
  const error = useSignal<string | null>(null);
  const mustFix = useSignal(false);
  const busy = useSignal(false);
  const f = form.value;
  const set = (patch: Partial<AssessmentFormState>) => (form.value = { ...form.value, ...patch });
  const setValue = (path: string, v: string) => set({ values: { ...form.value.values, [path]: v } });
  const bmi = bmiOf(f);

  const submit = async (e: Event) => {
    e.preventDefault();
    error.value = null;
    mustFix.value = false;
    const body = formToAssessment(participantId, form.value);
    const found = checkAssessment(body, Date.now());
    problems.value = found;
    if (Object.keys(found).length) {
      mustFix.value = true;
      return;
    }
    busy.value = true;
    try {
      const saved = await save(body);
      onSaved(saved.id);
    } catch (err) {
      const fields = err instanceof ApiError ? fieldErrors(err.issues) : {};
      problems.value = problemsOf(Object.entries(fields).map(([path, message]) => ({ path, message })));
      error.value = errorText(err);
    } finally {
      busy.value = false;
    }
  };
  const p = problems.value;
  return (
    <form class="record-form" onSubmit={submit} data-testid="assessment-form" noValidate>
      <h2>{t('record.form.title')}</h2>
      <p class="muted">{t('record.form.hint')}</p>
      <div class="form-grid">
        <label class="field">
          <span class="field-label">{t('record.f.kind')}</span>
          <select
            name="kind"
            value={f.kind}
            onChange={(e) => set({ kind: e.currentTarget.value as AssessmentKind })}
          >
            {ASSESSMENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(KIND_KEY[k])}
              </option>
            ))}
          </select>
        </label>
        <label class={`field${p['date'] ? ' field-invalid' : ''}`}>
          <span class="field-label">{t('record.f.date')}</span>
          <input
            type="date"
            name="date"
            value={f.date}
            max={today(nowMs)}
            aria-invalid={p['date'] ? 'true' : undefined}
            onInput={(e) => set({ date: e.currentTarget.value })}
          />
          {p['date'] && (
            <span class="field-error error" role="alert" data-testid="field-error" data-field="date">
              {problemText(p['date'])}
            </span>
          )}
        </label>
      </div>
      {ASSESSMENT_GROUPS.map((g) => (
        <fieldset key={g.id} class="record-group" data-group={g.id}>
          <legend>{t(GROUP_KEY[g.id])}</legend>
          <div class="form-grid">
            {g.fields.map((field) => (
              <FieldInput
                key={field.path}
                field={field}
                value={f.values[field.path] ?? ''}
                problem={p[field.path]}
                onInput={(v) => setValue(field.path, v)}
              />
            ))}
            {g.id === 'anthropometrics' && (
              <p class="field" data-testid="bmi">
                <span class="field-label">{t('record.f.bmi')}</span>
                <strong>
                  {bmi === null ? '--' : formatNumber(bmi, 1)} <small>{t('record.unit.kgm2')}</small>
                </strong>
              </p>
            )}
          </div>
        </fieldset>
      ))}
      <label class={`field${p['findings'] ? ' field-invalid' : ''}`}>
        <span class="field-label">{t('record.f.findings')}</span>
        <textarea
          name="findings"
          rows={3}
          value={f.findings}
          onInput={(e) => set({ findings: e.currentTarget.value })}
        />
      </label>
      {p[''] && (
        <p class="error" role="alert" data-testid="form-problem">
          {problemText(p[''])}
        </p>
      )}
      {mustFix.value && (
        <p class="error" role="alert">
          {t('record.form.fix')}
        </p>
      )}
      {error.value && (
        <p class="error" role="alert">
          <Data>{error.value}</Data>
        </p>
      )}
      <div class="record-actions">
        <button type="submit" class="btn btn-primary" disabled={busy.value}>
          {t('record.form.save')}
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
