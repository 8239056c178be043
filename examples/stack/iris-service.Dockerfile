# The iris example service, built from the repository root (see compose.yaml).
FROM node:20.19.0-bookworm-slim
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund \
 && npx turbo run build --filter=@modelsight/example-iris-service...
WORKDIR /app/examples/iris-service
EXPOSE 3000 9464
# /metrics listens on localhost unless told otherwise; Prometheus scrapes it from another container.
ENV OTEL_EXPORTER_PROMETHEUS_HOST=0.0.0.0
# The preload starts OpenTelemetry before the service's own code is loaded.
CMD ["node", "--require", "@modelsight/node/register", "dist/server.cjs"]
