# syntax=docker/dockerfile:1
# One image per app: docker build --build-arg APP=fastify-api -t switchyard/fastify-api .
# APP is express-api, fastify-api or bridge-api. docs/deploy.md has the settings and what was run.
#
# Node 26 is the Active LTS line from 2026-10-28 to 2027-10-20 (github.com/nodejs/Release,
# "Release schedule"); the tag follows the major, so a rebuild picks up its patch releases.
ARG NODE_IMAGE=node:26-bookworm-slim

# The whole workspace with its dev dependencies: esbuild bundles the app's main and the
# workspace libraries into one file (tools/deploy/src/build-app.ts).
FROM ${NODE_IMAGE} AS build
WORKDIR /repo
COPY . .
RUN npm ci --no-audit --no-fund
ARG APP=fastify-api
RUN node --import tsx tools/deploy/src/build-app.ts "${APP}" --outdir /out

# Only the npm packages the bundle imports, at the versions the workspace resolved
# (/out/package.json, written by the build), production dependencies only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=build /out/package.json ./
RUN npm install --omit=dev --no-audit --no-fund --no-package-lock

# No TypeScript, no tsx, no npm install at start: main.js, its assets and node_modules. The
# files stay root's; the app runs as the image's `node` user (1000), numeric so that a
# Kubernetes runAsNonRoot check can verify it, and writes nothing to them.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /out/ ./
USER 1000:1000
EXPOSE 3000
# The apps shut down gracefully on SIGTERM (SHUTDOWN_TIMEOUT_MS, then 5 s more at most).
STOPSIGNAL SIGTERM
# Slim images have no curl: Node's fetch asks /ready, which answers 200 once the database is open.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/ready').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
CMD ["node", "main.js"]
