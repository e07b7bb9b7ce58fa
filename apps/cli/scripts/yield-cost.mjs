// Cost of the training loop's yield to the event loop (one setImmediate awaited from a listener),
// to set against the step time: node apps/cli/scripts/yield-cost.mjs
const n = 20000;
for (let round = 0; round < 3; round++) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  const us = ((performance.now() - t0) * 1000) / n;
  console.log(`round ${round + 1}: ${us.toFixed(2)} us per yield`);
}
