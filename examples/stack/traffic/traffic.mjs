// Traffic for the stack: POST /predict to the iris service at a steady rate.
// A share of the requests (SHIFTED_SHARE) comes from a shifted distribution
// (longer petals, narrower sepals), so the drift and confidence panels move.
// The true species goes back to POST /feedback for FEEDBACK_SHARE of the
// predictions, so the accuracy panels fill.
import { request } from 'node:http';

const target = new URL(process.env.TARGET_URL ?? 'http://127.0.0.1:3000');
const perSecond = Number(process.env.REQUESTS_PER_SECOND ?? 20);
const shiftedShare = Number(process.env.SHIFTED_SHARE ?? 0.3);
const feedbackShare = Number(process.env.FEEDBACK_SHARE ?? 0.5);

// Per-species mean and standard deviation of the four features (Fisher's iris data).
const SPECIES = {
  setosa: { mean: [5.01, 3.43, 1.46, 0.25], std: [0.35, 0.38, 0.17, 0.11] },
  versicolor: { mean: [5.94, 2.77, 4.26, 1.33], std: [0.52, 0.31, 0.47, 0.2] },
  virginica: { mean: [6.59, 2.97, 5.55, 2.03], std: [0.64, 0.32, 0.55, 0.27] },
};
const SHIFT = [0.4, -0.6, 1.2, 0.4];
const NAMES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

const gaussian = () => Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());

function sample() {
  const species = Object.keys(SPECIES)[Math.floor(Math.random() * 3)];
  const { mean, std } = SPECIES[species];
  const shifted = Math.random() < shiftedShare;
  const features = {};
  NAMES.forEach((name, i) => {
    const value = mean[i] + std[i] * gaussian() + (shifted ? SHIFT[i] : 0);
    features[name] = Math.round(Math.max(0.1, value) * 100) / 100;
  });
  return { species, features };
}

function post(path, body) {
  return new Promise((resolve) => {
    const text = JSON.stringify(body);
    // agent: false opens a new connection each time, so requests spread over the replicas.
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (data += chunk));
        res.on('end', () => resolve({ status: res.statusCode, data }));
      },
    );
    req.on('error', (error) => resolve({ status: 0, data: error.message }));
    req.end(text);
  });
}

let sent = 0;
let failed = 0;
async function once() {
  const { species, features } = sample();
  const { status, data } = await post('/predict', { features });
  sent++;
  if (status !== 200) {
    failed++;
    return;
  }
  const predictionId = JSON.parse(data).predictionId;
  if (predictionId && Math.random() < feedbackShare) {
    await post('/feedback', { predictionId, label: species });
  }
}

setInterval(() => void once(), 1000 / perSecond);
setInterval(() => console.log(`sent ${sent} predictions to ${target.origin}, ${failed} failed`), 10_000);
