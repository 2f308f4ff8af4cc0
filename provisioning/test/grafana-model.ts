import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Paths of the provisioning files, from this test folder. */
export const PROVISIONING = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = join(PROVISIONING, '..');
export const DASHBOARD_DIR = join(PROVISIONING, 'grafana', 'dashboards');
export const GRAFANA_PROVISIONING = join(PROVISIONING, 'grafana', 'provisioning');

/** Grafana 11.0 writes schemaVersion 39; every 11.x migrates it forward on load. */
export const MIN_SCHEMA_VERSION = 39;

const refId = z.string().regex(/^[A-Z]$/, 'refId must be one capital letter');
const influxRef = z.strictObject({ type: z.literal('influxdb'), uid: z.string().min(1) });
const exprRef = z.strictObject({ type: z.literal('__expr__'), uid: z.literal('__expr__') });

/** A raw InfluxQL target, as the InfluxDB datasource stores it. */
export const influxTargetSchema = z.strictObject({
  datasource: influxRef,
  refId,
  rawQuery: z.literal(true),
  resultFormat: z.enum(['time_series', 'table']),
  query: z.string().min(10),
  alias: z.string().min(1).optional(),
  hide: z.boolean().optional(),
});
export type InfluxTarget = z.infer<typeof influxTargetSchema>;

const reducer = z.enum(['last', 'mean', 'sum', 'min', 'max', 'count']);
/** A server-side expression target (reduce or math) in a panel. */
export const exprTargetSchema = z.discriminatedUnion('type', [
  z.strictObject({
    datasource: exprRef,
    refId,
    type: z.literal('reduce'),
    expression: refId,
    reducer,
    settings: z.strictObject({ mode: z.enum(['', 'dropNN', 'replaceNN']) }),
    hide: z.boolean().optional(),
  }),
  z.strictObject({
    datasource: exprRef,
    refId,
    type: z.literal('math'),
    expression: z.string().min(2),
    hide: z.boolean().optional(),
  }),
]);
export type ExprTarget = z.infer<typeof exprTargetSchema>;

const gridPos = z
  .strictObject({
    h: z.int().min(1).max(40),
    w: z.int().min(1).max(24),
    x: z.int().min(0).max(23),
    y: z.int().min(0),
  })
  .refine((g) => g.x + g.w <= 24, 'panel runs past the 24-column grid');

const fieldConfig = z.strictObject({
  defaults: z.record(z.string(), z.unknown()),
  overrides: z.array(
    z.strictObject({
      matcher: z.strictObject({ id: z.string().min(1), options: z.unknown() }),
      properties: z.array(z.strictObject({ id: z.string().min(1), value: z.unknown() })),
    }),
  ),
});

const PANEL_TYPES = ['stat', 'timeseries', 'state-timeline', 'bargauge', 'piechart', 'table'] as const;

/** A visualisation panel; type-specific `options` stay loose, everything that wires data is strict. */
export const dataPanelSchema = z.strictObject({
  id: z.int().min(1),
  type: z.enum(PANEL_TYPES),
  title: z.string().min(3),
  description: z.string().min(10),
  datasource: influxRef,
  gridPos,
  targets: z.array(z.union([influxTargetSchema, exprTargetSchema])).min(1),
  fieldConfig,
  options: z.record(z.string(), z.unknown()),
  transformations: z
    .array(z.strictObject({ id: z.string().min(1), options: z.record(z.string(), z.unknown()) }))
    .optional(),
});
export type DataPanel = z.infer<typeof dataPanelSchema>;

export const rowPanelSchema = z.strictObject({
  id: z.int().min(1),
  type: z.literal('row'),
  title: z.string().min(1),
  collapsed: z.literal(false),
  panels: z.array(z.never()),
  gridPos,
});

const variableSchema = z.strictObject({
  name: z.string().regex(/^[a-z_]+$/),
  label: z.string().min(1),
  type: z.literal('query'),
  datasource: influxRef,
  query: z.string().min(10),
  definition: z.string().min(10),
  /** 1 = on dashboard load, 2 = on time range change. */
  refresh: z.union([z.literal(1), z.literal(2)]),
  includeAll: z.boolean(),
  multi: z.boolean(),
  sort: z.int().min(0).max(8),
  regex: z.string(),
  hide: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  current: z.record(z.string(), z.unknown()),
  options: z.array(z.unknown()),
});
export type Variable = z.infer<typeof variableSchema>;

/** A provisioned dashboard. Strict at the top level so a misspelt key cannot hide. */
export const dashboardSchema = z.strictObject({
  uid: z.string().regex(/^zw-[a-z0-9-]{1,37}$/, 'uid must be zw-… and at most 40 characters'),
  title: z.string().startsWith('zonewatch · '),
  description: z.string().min(10),
  tags: z.array(z.string()).refine((t) => t.includes('zonewatch'), 'tag zonewatch links the dashboards'),
  editable: z.boolean(),
  graphTooltip: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  timezone: z.string(),
  schemaVersion: z.int().min(MIN_SCHEMA_VERSION),
  version: z.int().min(1),
  refresh: z.string().regex(/^(|\d+[smhd])$/),
  time: z.strictObject({ from: z.string().regex(/^now-\d+[mhdw]$/), to: z.literal('now') }),
  timepicker: z.record(z.string(), z.unknown()),
  fiscalYearStartMonth: z.int(),
  liveNow: z.boolean(),
  weekStart: z.string(),
  links: z.array(z.record(z.string(), z.unknown())),
  annotations: z.strictObject({ list: z.array(z.record(z.string(), z.unknown())) }),
  templating: z.strictObject({ list: z.array(variableSchema) }),
  panels: z.array(z.union([dataPanelSchema, rowPanelSchema])).min(1),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

/** Every dashboard file, parsed and validated (throws naming the file on the first invalid one). */
export function loadDashboards(): { file: string; dashboard: Dashboard; text: string }[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(DASHBOARD_DIR, file), 'utf8');
      const result = dashboardSchema.safeParse(JSON.parse(text));
      if (!result.success) throw new Error(`${file}: ${z.prettifyError(result.error)}`);
      return { file, dashboard: result.data, text };
    });
}

export function dataPanels(d: Dashboard): DataPanel[] {
  return d.panels.filter((p): p is DataPanel => p.type !== 'row');
}

export function isInfluxTarget(t: InfluxTarget | ExprTarget): t is InfluxTarget {
  return t.datasource.type === 'influxdb';
}

// ------------------------------------------------------------------------------------------ YAML files

export const datasourcesFileSchema = z.strictObject({
  apiVersion: z.literal(1),
  deleteDatasources: z.array(z.strictObject({ name: z.string(), orgId: z.int() })).optional(),
  datasources: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        uid: z.string().regex(/^[a-z0-9-]{1,40}$/),
        type: z.literal('influxdb'),
        orgId: z.int(),
        access: z.literal('proxy'),
        url: z.string().min(1),
        isDefault: z.boolean(),
        editable: z.boolean(),
        jsonData: z.strictObject({
          version: z.literal('InfluxQL'),
          dbName: z.string().min(1),
          httpMode: z.enum(['GET', 'POST']),
          timeInterval: z.string().regex(/^\d+[smh]$/),
          httpHeaderName1: z.literal('Authorization'),
        }),
        secureJsonData: z.strictObject({ httpHeaderValue1: z.string().startsWith('Token ') }),
      }),
    )
    .min(1),
});

export const dashboardProvidersFileSchema = z.strictObject({
  apiVersion: z.literal(1),
  providers: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        orgId: z.int(),
        type: z.literal('file'),
        folder: z.string().min(1),
        folderUid: z.string().min(1),
        disableDeletion: z.boolean(),
        allowUiUpdates: z.boolean(),
        updateIntervalSeconds: z.int().min(10),
        options: z.strictObject({ path: z.string().startsWith('/'), foldersFromFilesStructure: z.boolean() }),
      }),
    )
    .min(1),
});

const alertQuerySchema = z.union([
  z.strictObject({
    refId,
    relativeTimeRange: z.strictObject({ from: z.int().min(60), to: z.literal(0) }),
    datasourceUid: z.string().regex(/^[a-z0-9-]+$/),
    model: z.strictObject({
      refId,
      rawQuery: z.literal(true),
      resultFormat: z.literal('time_series'),
      query: z.string().min(10),
    }),
  }),
  z.strictObject({
    refId,
    datasourceUid: z.literal('__expr__'),
    model: z.discriminatedUnion('type', [
      z.strictObject({
        refId,
        type: z.literal('reduce'),
        expression: refId,
        reducer,
        settings: z.strictObject({ mode: z.enum(['', 'dropNN', 'replaceNN']) }),
      }),
      z.strictObject({ refId, type: z.literal('math'), expression: z.string().min(2) }),
      z.strictObject({
        refId,
        type: z.literal('threshold'),
        expression: refId,
        conditions: z
          .array(
            z.strictObject({
              evaluator: z.strictObject({
                type: z.enum(['gt', 'lt', 'within_range', 'outside_range']),
                params: z.array(z.number()).min(1).max(2),
              }),
            }),
          )
          .length(1),
      }),
    ]),
  }),
]);
export type AlertQuery = z.infer<typeof alertQuerySchema>;

/** No `$` where Grafana expands environment variables (it would silently eat `$name`). */
const noDollar = z.string().refine((s) => !s.includes('$'), 'Grafana expands $ here; write no $ (or $$)');

export const alertRulesFileSchema = z.strictObject({
  apiVersion: z.literal(1),
  groups: z
    .array(
      z.strictObject({
        orgId: z.int(),
        name: noDollar,
        folder: noDollar,
        interval: z.string().regex(/^\d+[smh]$/),
        rules: z
          .array(
            z.strictObject({
              uid: z.string().regex(/^zw-[a-z0-9-]{1,37}$/),
              title: noDollar,
              condition: refId,
              for: z.string().regex(/^\d+[smh]$/),
              noDataState: z.enum(['OK', 'NoData', 'Alerting', 'KeepLast']),
              execErrState: z.enum(['OK', 'Error', 'Alerting', 'KeepLast']),
              isPaused: z.boolean(),
              labels: z.record(z.string(), noDollar),
              annotations: z.strictObject({ summary: z.string().min(10), description: z.string().min(10) }),
              data: z.array(alertQuerySchema).min(2),
            }),
          )
          .min(1),
      }),
    )
    .min(1),
});
export type AlertRulesFile = z.infer<typeof alertRulesFileSchema>;
export type AlertRule = AlertRulesFile['groups'][number]['rules'][number];

export const contactPointsFileSchema = z.strictObject({
  apiVersion: z.literal(1),
  contactPoints: z
    .array(
      z.strictObject({
        orgId: z.int(),
        name: noDollar,
        receivers: z
          .array(
            z.strictObject({
              uid: z.string().min(1),
              type: z.string().min(1),
              settings: z.record(z.string(), z.unknown()),
              disableResolveMessage: z.boolean(),
            }),
          )
          .min(1),
      }),
    )
    .min(1),
});

export const policiesFileSchema = z.strictObject({
  apiVersion: z.literal(1),
  policies: z
    .array(
      z.strictObject({
        orgId: z.int(),
        receiver: z.string().min(1),
        group_by: z.array(z.string()),
        group_wait: z.string(),
        group_interval: z.string(),
        repeat_interval: z.string(),
      }),
    )
    .length(1),
});

/** Reads and validates one provisioning YAML file (throws naming the file). */
export function loadYaml<T extends z.ZodType>(relative: string, schema: T): z.output<T> {
  const path = join(GRAFANA_PROVISIONING, relative);
  const result = schema.safeParse(parseYaml(readFileSync(path, 'utf8')));
  if (!result.success) throw new Error(`${relative}: ${z.prettifyError(result.error)}`);
  return result.data;
}

/** Files of a provisioning folder, so a new file cannot escape the tests. */
export function provisioningFiles(folder: string): string[] {
  return readdirSync(join(GRAFANA_PROVISIONING, folder)).sort();
}
