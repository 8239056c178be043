# modelsight respond, built from the repository root (see compose.yaml).
FROM node:20.19.0-bookworm-slim
WORKDIR /app
COPY . .
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund \
 && npx turbo run build --filter=@modelsight/cli...
# Commands it runs get no more rights than the responder needs.
USER node
EXPOSE 9095
CMD ["node", "packages/cli/dist/cli.cjs", "respond", "--config", "/etc/modelsight/responses.yaml"]
