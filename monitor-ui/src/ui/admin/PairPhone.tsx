import { useSignal } from '@preact/signals';
import { type PairingCodeResponse, pairingCodeResponseSchema } from '@zonewatch/protocol';
import { useEffect, useMemo } from 'preact/hooks';
import qrcode from 'qrcode-generator';
import { ApiError, api, enc } from '../../api/client.js';
import { parseReply } from '../../api/normalize.js';
import { t } from '../../i18n/store.js';
import { canUse, href } from '../../router.js';
import { Data } from '../Msg.js';
import { me } from '../session.js';
import { errorText } from './common.js';
import './pair-phone.css';

/** The refusal to show for a failed issue: consent missing gets its own sentence (no server English). */
function refusalOf(e: unknown): string {
  if (e instanceof ApiError && e.code === 'ZW_ERR_CONSENT_REQUIRED') return t('phonePair.noConsent');
  return errorText(e);
}

/** `K7QM-2XPD` → `K7QM 2XPD`-style groups for reading aloud (the server already groups by four). */
function groups(code: string): string[] {
  return code.replace(/[\s-]/g, '').match(/.{1,4}/g) ?? [code];
}

/** A QR code of `text` as a GIF data URL (rendered in the browser, no network). */
function qrDataUrl(text: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr.createDataURL(6, 4);
}

/** Minutes and seconds left, `14:05`. */
function mmss(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Pairing the participant's own phone as their home gateway (issue 17): a clinician or coach issues a
 * one-time code (15 min) and the phone scans the QR code or opens the link; refused without the
 * participant's home-monitoring consent. Paired phones are ordinary gateways, revoked on the gateways page.
 */
export function PairPhone({ participantId }: { participantId: string }) {
  const issued = useSignal<PairingCodeResponse | null>(null);
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const now = useSignal(Date.now());
  const link = issued.value ? new URL(issued.value.pairPath, location.origin).href : null;
  const qr = useMemo(() => (link ? qrDataUrl(link) : null), [link]);
  useEffect(() => {
    if (!issued.value) return;
    const timer = setInterval(() => (now.value = Date.now()), 1000);
    return () => clearInterval(timer);
  }, [issued.value]);
  useEffect(() => {
    issued.value = null;
    error.value = null;
  }, [participantId]);

  const issue = async () => {
    busy.value = true;
    error.value = null;
    try {
      issued.value = parseReply(
        pairingCodeResponseSchema,
        await api.post(`/participants/${enc(participantId)}/pairing-codes`),
      );
      now.value = Date.now();
    } catch (e) {
      issued.value = null;
      error.value = refusalOf(e);
    } finally {
      busy.value = false;
    }
  };
  const code = issued.value;
  const left = code ? code.expiresAt - now.value : 0;
  const user = me.value;
  return (
    <div class="pair-phone" data-testid="pair-phone">
      <p class="muted">{t('phonePair.help')}</p>
      <p class="row">
        <button type="button" class="btn btn-primary" disabled={busy.value} onClick={() => void issue()}>
          {code ? t('phonePair.again') : t('phonePair.issue')}
        </button>{' '}
        {user && canUse('gateways', user.roles) && (
          <a class="btn" href={href({ name: 'admin', section: 'gateways' })}>
            {t('phonePair.gateways')}
          </a>
        )}
      </p>
      {error.value && (
        <p class="error" role="alert" data-testid="pair-error">
          <Data>{error.value}</Data>
        </p>
      )}
      {code && link && qr && (
        <div class="pair-card" data-testid="pair-code">
          <div class="pair-text">
            <p class="muted">{t('phonePair.codeLabel')}</p>
            <p class="pair-digits" translate={false} data-testid="pair-digits">
              {groups(code.code).map((g) => (
                <span key={g}>{g}</span>
              ))}
            </p>
            <p data-testid="pair-expiry" class={left <= 0 ? 'error' : ''}>
              {left > 0 ? t('phonePair.expiresIn', { time: mmss(left) }) : t('phonePair.expired')}
            </p>
            <p class="muted">{t('phonePair.linkLabel')}</p>
            <p class="pair-link" translate={false} data-testid="pair-link">
              <a href={link} target="_blank" rel="noreferrer">
                {link}
              </a>
            </p>
            <p class="muted">{t('phonePair.revokeHint')}</p>
          </div>
          <img class="pair-qr" src={qr} alt={t('phonePair.qrAlt')} data-testid="pair-qr" />
        </div>
      )}
    </div>
  );
}
