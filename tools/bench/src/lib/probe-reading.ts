// What the probe (probe.mjs, preloaded into every process under test) answers over IPC.
export interface ProbeReading {
  /** Event-loop delay between the last reset and this read, in ms. */
  readonly loopP50: number;
  readonly loopP99: number;
  readonly loopMax: number;
  /** Resident set size now, and the highest seen (sampled every 50 ms) since the reset, bytes. */
  readonly rss: number;
  readonly peakRss: number;
  /** CPU time since the reset (user + system), in ms. */
  readonly cpuMs: number;
}
