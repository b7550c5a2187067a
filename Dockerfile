# ferry: resumable uploads (tus 1.0.0) and CSV imports.
# Build: docker build -t ferry .
# Run:   docker run -p 1080:1080 -v ferry-data:/data -e FERRY_AUTH=jwt -e FERRY_JWKS_URL=https://id.example.com/jwks.json ferry
# The image listens on 0.0.0.0: configure authentication (FERRY_AUTH=jwt and one key source,
# docs/security.md). Without it (FERRY_AUTH=none, the default) anyone who reaches the port can
# upload, download and delete every upload, and ferry warns about it at start-up.

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its native addon when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/build-client.ts ./scripts/
COPY client ./client
# ferry (dist/) and the browser page (client/dist/, bundled by esbuild, a dev dependency).
RUN npm run build && npm run build:client && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    FERRY_HOST=0.0.0.0 \
    FERRY_PORT=1080 \
    FERRY_DATA_DIR=/data \
    FERRY_SCHEMAS_DIR=/app/schemas
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/client/dist ./client/dist
COPY bin ./bin
COPY schemas ./schemas
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 1080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.FERRY_PORT || 1080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
