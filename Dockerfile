# syntax=docker/dockerfile:1
# exact-bridge: build with the dev dependencies, run the compiled JavaScript as the non-root `node` user.

ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
# tsc -p tsconfig.build.json: src -> dist/src, migrations -> dist/migrations
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE} AS runtime
# V8's defaults size the heap for the machine, not the service: under load the young generation
# grows to 32 MB and the old one far past the ~50 MB the service keeps alive. These keep the
# process under 150 MB RSS through npm run bench:http (which reads this line) at the same speed.
ENV NODE_OPTIONS="--max-semi-space-size=8 --max-old-space-size=192"
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/.data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Only used when DATABASE_URL is unset (embedded PostgreSQL) and for generated development secrets.
RUN mkdir -p /app/.data && chown node:node /app/.data
VOLUME ["/app/.data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM directly (graceful shutdown).
CMD ["node", "dist/src/main.js"]
