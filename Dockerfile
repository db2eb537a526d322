# syntax=docker/dockerfile:1
# Partnergate's container image: `docker build -t partnergate .` (or `podman build --format docker …`).
#
#   docker run … partnergate                 serve (the default command)
#   docker run … partnergate migrate         apply the (expand) migrations, then exit (run it before the instances start)
#   docker run … partnergate admin create --email … --password …
#
# Every setting comes from the environment (README "Configuration"; docs/deploy.md). The base image
# is a build argument: any Debian-based image with Node 24 at /usr/local/bin/node (and npm, for the
# build stage). Without a registry, scripts/build-base-image.sh makes one from Debian's packages:
#   podman build --isolation chroot --format docker --build-arg BASE_IMAGE=localhost/partnergate-base:24 -t partnergate .
ARG BASE_IMAGE=node:24-slim

# ---- build: install, build the portal, keep only the production dependencies ---------------------
FROM ${BASE_IMAGE} AS build
WORKDIR /app
# A registry reached through a TLS-inspecting proxy: its CA must be in the base image's bundle (the
# local base image carries the machine's bundle). Node and npm use the bundle when it is there.
ARG CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
COPY package.json package-lock.json ./
COPY packages/ packages/
RUN if [ -s "$CA_BUNDLE" ]; then export NODE_EXTRA_CA_CERTS="$CA_BUNDLE" npm_config_cafile="$CA_BUNDLE"; fi \
 && npm ci --no-audit --no-fund --loglevel=warn
COPY tsconfig.json ./
COPY bin/ bin/
COPY src/ src/
COPY web/ web/
# The image never serves without its portal: the build stops here if web/dist was not made.
RUN npm run build:web -- --logLevel warn \
 && test -f web/dist/index.html \
 && if [ -s "$CA_BUNDLE" ]; then export NODE_EXTRA_CA_CERTS="$CA_BUNDLE" npm_config_cafile="$CA_BUNDLE"; fi \
 && npm prune --omit=dev --no-audit --no-fund --loglevel=warn \
 && rm -rf web/src web/public packages/*/test

# ---- runtime -----------------------------------------------------------------------------------
FROM ${BASE_IMAGE} AS runtime
# A user of its own (no login, no home), who owns only the data folder.
RUN groupadd --gid 10001 partnergate \
 && useradd --uid 10001 --gid partnergate --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin partnergate \
 && mkdir -p /var/lib/partnergate && chown partnergate:partnergate /var/lib/partnergate && chmod 0700 /var/lib/partnergate
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules/ node_modules/
COPY --from=build /app/packages/ packages/
COPY --from=build /app/bin/ bin/
COPY --from=build /app/src/ src/
COPY --from=build /app/web/dist/ web/dist/
# Settings (README "Configuration"): listen on every interface of the container, keep DATA_DIR
# (SQLite, the access-event spool, a generated secret, the mail outbox) in the volume. Everything
# else — DATABASE_URL, DATABASE_OWNER_URL, REDIS_URL, SECRET_KEY, PUBLIC_URL, TRUST_PROXY … — is the
# operator's, given at run time.
ENV HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/var/lib/partnergate
VOLUME ["/var/lib/partnergate"]
EXPOSE 8080
USER partnergate:partnergate
# Ready = the database answers (GET /readyz); /healthz only says the process is up.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "src/main.ts"]
CMD ["serve"]
