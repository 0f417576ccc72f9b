# The conformance runner as a container image: a static binary (the
# features, the reference world and its TEST ONLY keys are built into it)
# on a distroless base with CA certificates, run as a non-root user.
#
#   docker build -t kairos-conformance .
#   docker run --rm -u "$(id -u):$(id -g)" \
#       -v "$PWD/ci:/profile:ro" -v "$PWD/reports:/reports" \
#       kairos-conformance --profile /profile/profile.yaml
#
# The profile directory is mounted read-only at /profile (the profile's
# relative key paths are read from there); the reports are written to the
# /reports volume. With no --profile the image runs the suite against its
# embedded reference server.

# Build: the Go version of go.mod.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static: no libc in the final image. -trimpath keeps the build machine's
# paths out of the binary.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/kairos ./runner

# Run: distroless static has CA certificates and tzdata, no shell, and a
# nonroot user (65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kairos /usr/local/bin/kairos
USER 65532:65532
WORKDIR /work
VOLUME ["/profile", "/reports"]
ENTRYPOINT ["/usr/local/bin/kairos"]
CMD ["--reports", "/reports"]
