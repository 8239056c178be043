'use strict';
// Preloaded into the measured command (`node --require ./peak-memory.cjs ...`): on exit, writes the
// process's peak resident memory and CPU time as one JSON line to file descriptor 3.
const { writeSync } = require('node:fs');
process.on('exit', () => {
  const usage = process.resourceUsage();
  try {
    writeSync(
      3,
      `${JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 })}\n`,
    );
  } catch {
    // No descriptor 3: run outside the benchmark.
  }
});
