# syntax=docker/dockerfile:1.7
ARG GO_VERSION=1.22
ARG BASE
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS Build
WORKDIR /src
ENV CGO_ENABLED=0 \
    GOFLAGS="-trimpath -mod=readonly"
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=secret,id=netrc,target=/root/.netrc \
    go build -o /out/app ./cmd/app

FROM build AS test
RUN go test ./...

FROM ${BASE:-gcr.io/distroless/static:nonroot}
COPY --from=build --chown=65532:65532 /out/app /app
USER 65532:65532
EXPOSE 8080/tcp
HEALTHCHECK --interval=30s --timeout=3s CMD ["/app", "healthcheck"]
ENTRYPOINT ["/app"]
