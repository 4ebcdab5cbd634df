# syntax=docker/dockerfile:1
# One multi-target Dockerfile for every vetmesh deployable:
#   docker build --target <gateway|owner|veterinary|notification|demo|discovery|balancer> -t vetmesh/<target>:<tag> .
# k8s/deploy.mk builds them all. tests/k8s checks this file against the code
# (every workspace package.json copied, ports, HEALTHCHECK on /status).
ARG BUN_IMAGE=oven/bun:1.4.5-slim

# Every package.json of the workspace: Bun's isolated linker resolves the whole
# workspace against bun.lock, so a missing one breaks --frozen-lockfile.
FROM ${BUN_IMAGE} AS manifests
WORKDIR /app
COPY package.json bun.lock bunfig.toml ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/service-kit/package.json packages/service-kit/
COPY packages/gateway/package.json packages/gateway/
COPY packages/owner-service/package.json packages/owner-service/
COPY packages/veterinary-service/package.json packages/veterinary-service/
COPY packages/notification-service/package.json packages/notification-service/
COPY packages/demo-service/package.json packages/demo-service/
COPY packages/web/package.json packages/web/
COPY mesh/discovery/package.json mesh/discovery/
COPY mesh/balancer/package.json mesh/balancer/
COPY tests/package.json tests/

# Production dependencies of the deployables only (not tests/, not dev tools).
FROM manifests AS deps
RUN bun install --frozen-lockfile --production --ignore-scripts --filter './packages/*' --filter './mesh/*'

# The front desk web app (packages/web/dist, never committed), bundled here for the gateway to serve at /.
FROM manifests AS web
RUN bun install --frozen-lockfile --ignore-scripts --filter ./packages/web
COPY packages/web packages/web
RUN bun packages/web/build.ts

FROM ${BUN_IMAGE} AS runtime
WORKDIR /app
# HOST: listen on every interface inside a container (the kit's default is loopback).
# The transpiler cache is off because the root filesystem is read-only in Kubernetes.
ENV NODE_ENV=production HOST=0.0.0.0 BUN_RUNTIME_TRANSPILER_CACHE_PATH=0
COPY --from=deps /app /app
COPY . .
USER 1000:1000

FROM runtime AS gateway
COPY --from=web /app/packages/web/dist /app/packages/web/dist
WORKDIR /app/packages/gateway
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/status').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["bun", "src/main.ts"]

FROM runtime AS owner
WORKDIR /app/packages/owner-service
EXPOSE 7101 7102
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||7102)+'/status').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["bun", "src/main.ts"]

FROM runtime AS veterinary
WORKDIR /app/packages/veterinary-service
EXPOSE 7201 7202
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||7202)+'/status').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["bun", "src/main.ts"]

FROM runtime AS notification
WORKDIR /app/packages/notification-service
EXPOSE 7301 7302
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||7302)+'/status').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["bun", "src/main.ts"]

FROM runtime AS demo
WORKDIR /app/packages/demo-service
EXPOSE 7401 7402
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||7402)+'/status').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["bun", "src/main.ts"]

FROM runtime AS discovery
WORKDIR /app/mesh/discovery
EXPOSE 7000 7001
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||7001)+'/status').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["bun", "src/main.ts"]

FROM runtime AS balancer
WORKDIR /app/mesh/balancer
EXPOSE 7501 7502
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||7502)+'/status').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["bun", "src/main.ts"]
