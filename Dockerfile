# syntax=docker/dockerfile:1
# One image for every service; the APP build arg (or env) picks which one runs:
#   docker build --build-arg APP=ledger -t clinic-credits/ledger .
#   docker run -e APP=payments ... clinic-credits/ledger   (same image, another service)
# Services run from the compiled output, exactly as outside containers.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ARG APP=ledger
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    APP=${APP}
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
# Healthchecks are per service in docker-compose.yml / deploy/ (GET /health/ready on its port).
CMD ["sh", "-c", "exec node -r ./dist/tools/register-paths.js dist/apps/$APP/src/main.js"]
