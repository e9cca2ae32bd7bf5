// Preloaded into every process under test with `--import`: it measures the event-loop delay
// (perf_hooks.monitorEventLoopDelay) and memory from inside, and answers the bench over the IPC
// channel with a ProbeReading (probe-reading.ts). It adds no HTTP route, and it never keeps the
// process alive on shutdown. Plain JavaScript on purpose: a TypeScript preload would need a
// loader (tsx) inside the app, which changes how every module of the app is loaded.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const isProbeMessage = (m) => typeof m === 'object' && m !== null && 'probe' in m && 'id' in m;

if (process.send) {
  // Nothing runs until the first reset, and a read stops it again: an app that waits idle
  // beside the one being measured wakes up for no timer of ours.
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let cpu = process.cpuUsage();
  let peakRss = 0;
  let sampler;
  const stop = () => {
    histogram.disable();
    clearInterval(sampler);
    sampler = undefined;
  };

  process.on('message', (message) => {
    if (!isProbeMessage(message)) return;
    if (message.probe === 'reset') {
      stop();
      histogram.reset();
      histogram.enable();
      cpu = process.cpuUsage();
      peakRss = process.memoryUsage.rss();
      sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
      }, 50).unref();
      process.send?.({ id: message.id });
      return;
    }
    stop();
    const used = process.cpuUsage(cpu);
    const rss = process.memoryUsage.rss();
    process.send?.({
      id: message.id,
      reading: {
        // An empty histogram reports huge sentinels; say 0 instead.
        loopP50: histogram.count ? histogram.percentile(50) / 1e6 : 0,
        loopP99: histogram.count ? histogram.percentile(99) / 1e6 : 0,
        loopMax: histogram.count ? histogram.max / 1e6 : 0,
        rss,
        peakRss: Math.max(peakRss, rss),
        cpuMs: (used.user + used.system) / 1000,
      },
    });
  });
  // Adding the 'message' listener refs the channel; unref it so the app exits on its own terms.
  process.channel?.unref();
}
