# syntax=docker/dockerfile:1
# signup: multi-stage image. The API is the default command; the admin CLI
# ships in the same image: `docker compose exec api signup users list`.

ARG NODE_VERSION=24

# --- 1. install: every dependency, for the build -----------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS install
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/domain/package.json packages/domain/
COPY packages/adapters/package.json packages/adapters/
COPY packages/testkit/package.json packages/testkit/
COPY apps/http/package.json apps/http/
COPY apps/cli/package.json apps/cli/
COPY examples/embed/package.json examples/embed/
RUN npm ci --no-audit --no-fund

# --- 2. build: tsc -b ----------------------------------------------------------
FROM install AS build
COPY tsconfig.base.json tsconfig.json ./
COPY packages packages
COPY apps apps
# the apps and, through their references, the packages (not examples/)
RUN npx tsc -b apps/http apps/cli

# --- dev: the repository mounted, hot reload, the tests runnable -------------
# (docker-compose.override.yml mounts the whole checkout over /app, tests
# included, and keeps this image's node_modules: `docker compose exec api npm test`)
FROM build AS dev
ENV HOST=0.0.0.0
CMD ["npx", "tsx", "watch", "--conditions=signup-source", "apps/http/src/main.ts"]

# --- 3. production dependencies only ------------------------------------------
FROM install AS prod-deps
RUN npm prune --omit=dev --no-audit --no-fund \
  && npm cache clean --force

# --- 4. runtime: slim, non-root, node as PID 1 handling SIGTERM -----------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/packages/domain/package.json packages/domain/
COPY --from=build --chown=node:node /app/packages/domain/dist packages/domain/dist
COPY --from=build --chown=node:node /app/packages/adapters/package.json packages/adapters/
COPY --from=build --chown=node:node /app/packages/adapters/dist packages/adapters/dist
COPY --from=build --chown=node:node /app/packages/adapters/migrations packages/adapters/migrations
COPY --from=build --chown=node:node /app/apps/http/package.json apps/http/
COPY --from=build --chown=node:node /app/apps/http/dist apps/http/dist
COPY --from=build --chown=node:node /app/apps/cli/package.json apps/cli/
COPY --from=build --chown=node:node /app/apps/cli/dist apps/cli/dist
COPY --from=build --chown=node:node /app/apps/cli/bin apps/cli/bin
RUN ln -s /app/apps/cli/bin/signup.js /usr/local/bin/signup \
  && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node is PID 1 and handles SIGTERM/SIGINT itself (graceful drain); compose
# also sets `init: true` so a tini reaps any zombie.
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=2", "--max-old-space-size=512", "apps/http/dist/main.js"]
