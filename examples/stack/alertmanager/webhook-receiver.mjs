// Webhook receiver of the stack: prints one line per alert of every notification
// Alertmanager posts (POST /critical or /warning), so routing can be watched with
// `docker compose logs -f alert-webhook`.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8080);

createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    try {
      const notification = JSON.parse(body);
      for (const alert of notification.alerts ?? []) {
        console.log(
          JSON.stringify({
            receiver: notification.receiver,
            path: request.url,
            status: alert.status,
            alertname: alert.labels?.alertname,
            severity: alert.labels?.severity,
            model: alert.labels?.ml_model_name,
            version: alert.labels?.ml_model_version,
            summary: alert.annotations?.summary,
          }),
        );
      }
      response.writeHead(200).end();
    } catch (error) {
      console.error(`not a notification: ${error.message}`);
      response.writeHead(400).end();
    }
  });
}).listen(port, '0.0.0.0', () => console.log(`alert webhook listening on :${port}`));
