import { at, found, ms, msOrNull, type RepoContext } from '../context.js';
import { codes } from '../errors.js';
import type { Device, DeviceKind } from '../types.js';

interface DeviceRow {
  id: string;
  site_id: string;
  kind: DeviceKind;
  model: string | null;
  label: string | null;
  created_at: Date;
  retired_at: Date | null;
  owner_participant_id: string | null;
}

const COLS = 'id, site_id, kind, model, label, created_at, retired_at, owner_participant_id';
const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  siteId: r.site_id,
  kind: r.kind,
  model: r.model,
  label: r.label,
  createdAt: ms(r.created_at),
  retiredAt: msOrNull(r.retired_at),
  ownerParticipantId: r.owner_participant_id,
});

/** Wearables, keyed by their wire id (BLE address or serial, case-sensitive). */
export interface DevicesRepo {
  /** Registers a device at a site. @throws ZW_ERR_CONFLICT, ZW_ERR_INVALID_INPUT, ZW_ERR_INVALID_REFERENCE */
  create(input: {
    id: string;
    siteId: string;
    kind: DeviceKind;
    model?: string;
    label?: string;
  }): Promise<Device>;
  get(id: string): Promise<Device | undefined>;
  /** Devices of a site (or all); retired ones only when asked. */
  list(filter?: { siteId?: string; includeRetired?: boolean }): Promise<Device[]>;
  /** Changes model, label or site. @throws ZW_ERR_NOT_FOUND */
  update(
    id: string,
    patch: { model?: string | null; label?: string | null; siteId?: string },
  ): Promise<Device>;
  /** Takes a device out of service (it can no longer be bound). @throws ZW_ERR_NOT_FOUND */
  retire(id: string, atMs?: number): Promise<Device>;
  /**
   * Assigns a device to a participant of its site ahead of time, or frees it (null): issue 14.
   * @throws ZW_ERR_NOT_FOUND (device), ZW_ERR_INVALID_REFERENCE (participant of another site or unknown)
   */
  setOwner(id: string, participantId: string | null): Promise<Device>;
}

/** Device repository over `ctx.db`. */
export function devicesRepo({ db, clock }: RepoContext): DevicesRepo {
  return {
    async create(input) {
      const [row] = await db.query<DeviceRow>(
        `INSERT INTO devices (id, site_id, kind, model, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING ${COLS}`,
        [
          input.id,
          input.siteId,
          input.kind,
          input.model ?? null,
          input.label ?? null,
          at('createdAt', clock()),
        ],
      );
      return toDevice(row!);
    },
    async get(id) {
      const [row] = await db.query<DeviceRow>(`SELECT ${COLS} FROM devices WHERE id = $1`, [id]);
      return row && toDevice(row);
    },
    async list(filter = {}) {
      const rows = await db.query<DeviceRow>(
        `SELECT ${COLS} FROM devices WHERE ($1::text IS NULL OR site_id = $1) AND (retired_at IS NULL OR $2)
         ORDER BY site_id, id`,
        [filter.siteId ?? null, filter.includeRetired ?? false],
      );
      return rows.map(toDevice);
    },
    async update(id, patch) {
      const [row] = await db.query<DeviceRow>(
        `UPDATE devices SET model = CASE WHEN $3 THEN $2 ELSE model END, label = CASE WHEN $5 THEN $4 ELSE label END,
           site_id = coalesce($6, site_id)
         WHERE id = $1 RETURNING ${COLS}`,
        [
          id,
          patch.model ?? null,
          patch.model !== undefined,
          patch.label ?? null,
          patch.label !== undefined,
          patch.siteId ?? null,
        ],
      );
      return toDevice(found(row, 'device', id));
    },
    async setOwner(id, participantId) {
      return db.transaction(async (tx) => {
        const [d] = await tx.query<DeviceRow>(`SELECT ${COLS} FROM devices WHERE id = $1 FOR UPDATE`, [id]);
        const device = found(d, 'device', id);
        if (participantId !== null) {
          const [p] = await tx.query<{ site_id: string }>('SELECT site_id FROM participants WHERE id = $1', [
            participantId,
          ]);
          if (!p || p.site_id !== device.site_id)
            throw new codes.ZW_ERR_INVALID_REFERENCE(
              `participantId: ${participantId} is not a participant of the device's site`,
            );
        }
        const [row] = await tx.query<DeviceRow>(
          `UPDATE devices SET owner_participant_id = $2 WHERE id = $1 RETURNING ${COLS}`,
          [id, participantId],
        );
        return toDevice(row!);
      });
    },
    async retire(id, atMs = clock()) {
      const [row] = await db.query<DeviceRow>(
        `UPDATE devices SET retired_at = coalesce(retired_at, $2) WHERE id = $1 RETURNING ${COLS}`,
        [id, at('retiredAt', atMs)],
      );
      return toDevice(found(row, 'device', id));
    },
  };
}
