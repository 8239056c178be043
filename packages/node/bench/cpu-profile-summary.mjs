// Where a service's CPU time goes: self time by function in a V8 CPU profile (node --cpu-prof), top N.
// Run: node packages/node/bench/cpu-profile-summary.mjs <file.cpuprofile> [N=15]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { root } from './service.mjs';

const [file, top = '15'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
// Each sample is the node on top of the stack; the time to the next sample is charged to it.
for (const [i, id] of profile.samples.entries()) {
  const { callFrame } = nodes.get(id);
  const where = callFrame.url
    ? `${relative(root, callFrame.url.replace('file://', ''))}:${callFrame.lineNumber + 1}`
    : '';
  const key = `${callFrame.functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
}
const total = [...self.values()].reduce((sum, us) => sum + us, 0);
const idle = self.get('(idle)') ?? 0;
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled, ${((total - idle) / 1000).toFixed(0)} ms not idle`);
console.log('self %'.padStart(7), 'self ms'.padStart(8), ' function');
for (const [key, us] of [...self]
  .filter(([key]) => key !== '(idle)')
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(top))) {
  console.log(
    ((100 * us) / (total - idle)).toFixed(1).padStart(7),
    (us / 1000).toFixed(0).padStart(8),
    ` ${key.slice(0, 140)}`,
  );
}
