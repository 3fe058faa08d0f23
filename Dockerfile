# syntax=docker/dockerfile:1

# Image of the export-file-stix connector: one static binary on a
# distroless base, run as a non-root user.
#
#   docker build -t opencti-go/export-file-stix .
#   docker compose up -d        # with docker-compose.yml, after editing it

ARG GO_VERSION=1.26

# Build stage. CGO_ENABLED=0 gives a static binary that needs no C
# library, so the final image can be distroless "static".
FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" \
        -o /out/export-file-stix ./cmd/export-file-stix
# An empty folder for the working directory. The final stage has no shell
# to create it, and a folder that WORKDIR creates belongs to root.
RUN mkdir /out/workdir

# Final stage. distroless/static has CA certificates (for https platforms
# and AMQPS brokers), time zone data, a writable /tmp (each export is
# spooled to /tmp/opencti-export-file-stix-65532 before the upload, see
# EXPORT_FILE_STIX_SPOOL_DIR) and a "nonroot" user (uid 65532), and no
# shell or package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/export-file-stix /usr/local/bin/export-file-stix

# The connector reads config.yml from its working directory when the file
# exists: mount one at /opt/export-file-stix/config.yml, or use only
# environment variables. The folder belongs to the nonroot user, so that
# --demo can write its export-output folder there.
COPY --from=build --chown=65532:65532 /out/workdir /opt/export-file-stix
WORKDIR /opt/export-file-stix

# As in the Python connector's image. CONNECTOR_NAME (ExportFileStix) and
# CONNECTOR_SCOPE (application/vnd.oasis.stix+json) get their defaults from
# the binary, not from ENV, so that a mounted config.yml can still set them:
# an environment variable wins over config.yml.
ENV CONNECTOR_TYPE=INTERNAL_EXPORT_FILE

# Prometheus metrics and /healthz, served when CONNECTOR_EXPOSE_METRICS=true.
EXPOSE 9095

USER 65532:65532
ENTRYPOINT ["/usr/local/bin/export-file-stix"]
