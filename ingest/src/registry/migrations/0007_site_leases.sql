-- 0007: site ownership through leases (issue 18). One row per site that a node has ever held: the holder
-- (one id per ingest process), a fencing token that only grows, and the lease's times on the database
-- server's clock (nodes' clocks never decide who owns a site). A node writes for a site only in a
-- transaction that sees its own token on a lease that has not expired (see ingest/src/cluster/leases.ts).
CREATE TABLE site_leases (
  site_id      text PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
  holder       text NOT NULL,
  token        bigint NOT NULL CONSTRAINT site_leases_token_positive CHECK (token > 0),
  acquired_at  timestamptz NOT NULL,
  renewed_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL
);

-- A time during which no node held a site (its owner died or handed it over), recorded by the node that
-- took the site over: session reports and Grafana show it.
CREATE TABLE monitoring_gaps (
  id               bigserial PRIMARY KEY,
  site_id          text NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  started_at       timestamptz NOT NULL,
  ended_at         timestamptz NOT NULL,
  previous_holder  text NOT NULL,
  holder           text NOT NULL,
  token            bigint NOT NULL,
  CONSTRAINT monitoring_gaps_times CHECK (started_at <= ended_at)
);
CREATE INDEX monitoring_gaps_site ON monitoring_gaps (site_id, started_at);
