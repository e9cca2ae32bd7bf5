// Preloaded into every process under test with `--import`: it measures the event-loop delay
// (perf_hooks.monitorEventLoopDelay) and memory from inside, and answers the bench over the IPC
// channel. It adds no HTTP route, and it never keeps the process alive on shutdown.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ProbeReading {
  /** Event-loop delay since the last reset, in ms. */
  readonly loopP50: number;
  readonly loopP99: number;
  readonly loopMax: number;
  /** Resident set size now, and the highest seen (sampled every 50 ms) since the reset, bytes. */
  readonly rss: number;
  readonly peakRss: number;
  /** CPU time since the reset (user + system), in ms. */
  readonly cpuMs: number;
}

interface ProbeMessage {
  readonly probe: 'reset' | 'read';
  readonly id: number;
}

const isProbeMessage = (m: unknown): m is ProbeMessage =>
  typeof m === 'object' && m !== null && 'probe' in m && 'id' in m;

if (process.send) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let cpu = process.cpuUsage();
  let peakRss = process.memoryUsage.rss();
  setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 50).unref();

  process.on('message', (message: unknown) => {
    if (!isProbeMessage(message)) return;
    if (message.probe === 'reset') {
      histogram.reset();
      cpu = process.cpuUsage();
      peakRss = process.memoryUsage.rss();
      process.send?.({ id: message.id });
      return;
    }
    const used = process.cpuUsage(cpu);
    const rss = process.memoryUsage.rss();
    const reading: ProbeReading = {
      // An empty histogram reports huge sentinels; say 0 instead.
      loopP50: histogram.count ? histogram.percentile(50) / 1e6 : 0,
      loopP99: histogram.count ? histogram.percentile(99) / 1e6 : 0,
      loopMax: histogram.count ? histogram.max / 1e6 : 0,
      rss,
      peakRss: Math.max(peakRss, rss),
      cpuMs: (used.user + used.system) / 1000,
    };
    process.send?.({ id: message.id, reading });
  });
  // Adding the 'message' listener refs the channel; unref it so the app exits on its own terms.
  process.channel?.unref();
}
