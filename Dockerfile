# syntax=docker/dockerfile:1
# One image for every Node service of zonewatch; the command picks the service:
#   broker/src/main.ts · ingest/src/main.ts · firmware-sim/src/gateway-sim.ts (a simulated site gateway)
#   provisioning/src/influx-setup.ts · provisioning/src/broker-credentials.ts (one-shot set-up jobs)
# Sources run through tsx as in development (`node --import tsx …`), so there is no build step to
# drift from what the tests ran.

ARG NODE_IMAGE=node:20.19-bookworm-slim

# Dependencies only: this layer is rebuilt when a package manifest or the lockfile changes, not on
# every source edit. Install scripts stay off, as on the development machines.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY protocol/package.json protocol/
COPY clinical/package.json clinical/
COPY firmware-sim/package.json firmware-sim/
COPY gateway/package.json gateway/
COPY broker/package.json broker/
COPY ingest/package.json ingest/
COPY monitor-ui/package.json monitor-ui/
COPY provisioning/package.json provisioning/
RUN npm ci --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# The CJK font ingest embeds in its PDFs (ingest/src/pdf/font.ts): Chinese must render in any reader.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-wqy-microhei \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app /app
COPY . .
# Writable places for the non-root user; compose mounts volumes over them (a new volume takes this
# ownership).
RUN mkdir -p /var/lib/zonewatch /run/zonewatch/broker /run/zonewatch/influx-token \
      /run/zonewatch/influx-tokens/ingest /run/zonewatch/influx-tokens/grafana \
  && chown -R node:node /var/lib/zonewatch /run/zonewatch
USER node
ENV DATA_DIR=/var/lib/zonewatch
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["ingest/src/main.ts"]
