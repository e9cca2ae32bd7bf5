import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';

/** The machine the absolute numbers come from. */
export function describeMachine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) model = line.split(':')[1]!.trim();
  } catch {
    // not Linux: os.cpus() said it
  }
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return `${model}, ${availableParallelism()} CPUs (nproc), ${gib} GiB RAM, ${process.platform} ${process.arch}, Node ${process.version}`;
}
