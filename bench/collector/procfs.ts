/**
 * What the benchmark reads from /proc: resident memory and CPU time of the
 * collector and the servers, and how busy the whole machine was. Linux only.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** Kernel clock ticks per second, as `getconf CLK_TCK` prints on Linux. */
const TICKS_PER_SECOND = 100;

/** Reads one `Vm*` line of /proc/<pid>/status, in bytes; undefined if gone. */
export async function readVm(
  pid: number,
  field: 'VmRSS' | 'VmHWM',
): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * Resets the peak-RSS mark (VmHWM) of a process, so it covers one scenario
 * only. Needs a kernel with clear_refs mode 5; returns false where it failed.
 */
export async function resetPeakRss(pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** User plus system CPU seconds a process has used so far. */
export async function cpuSeconds(pid: number): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces; the fields after it never do.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after ')'.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / TICKS_PER_SECOND;
}

/** Busy, stolen and total CPU seconds of the whole machine, all cores. */
export async function machineCpu(): Promise<{
  busy: number;
  steal: number;
  total: number;
}> {
  const text = await readFile('/proc/stat', 'utf8');
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  const ticks = (line ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number)
    .filter((n) => Number.isFinite(n));
  // user nice system idle iowait irq softirq steal (guest time is in user)
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const steal = ticks[7] ?? 0;
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  return {
    busy: (total - idle - steal) / TICKS_PER_SECOND,
    steal: steal / TICKS_PER_SECOND,
    total: total / TICKS_PER_SECOND,
  };
}

/** Average cores busy machine-wide over the next `ms` milliseconds. */
export async function machineBusyCores(ms: number): Promise<number> {
  const before = await machineCpu();
  await sleep(ms);
  const after = await machineCpu();
  const total = after.total - before.total;
  return total > 0
    ? ((after.busy - before.busy) / total) * os.availableParallelism()
    : 0;
}

/**
 * Finds the process whose command line has an argument ending in
 * `programSuffix` and another equal to or containing `argument`; used to
 * find the FerretDB and nats-server children testkit started.
 */
export async function findProcess(
  programSuffix: string,
  argument: string,
): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    let argv: string[];
    try {
      argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
    } catch {
      continue;
    }
    if (
      argv[0]?.endsWith(programSuffix) &&
      argv.some((arg) => arg.includes(argument))
    ) {
      return Number(entry);
    }
  }
  return undefined;
}

/** A process whose memory and CPU the benchmark follows. */
export interface Watched {
  name: string;
  pid: number;
}

/** Per-process figures over one scenario. */
export interface UsageReport {
  name: string;
  /** Largest VmRSS seen by the 100 ms sampler, bytes. */
  peakRssSampled: number;
  /** VmHWM at the end (since the reset at the start when that worked). */
  peakRssKernel: number | undefined;
  /** Whether VmHWM was reset at the start, so it covers this scenario only. */
  kernelPeakIsPerScenario: boolean;
  /** CPU seconds used during the scenario. */
  cpuSeconds: number;
  /** Average cores busy: CPU seconds over wall seconds. */
  cores: number;
}

/** What {@link UsageSampler.stop} returns. */
export interface UsageSummary {
  wallSeconds: number;
  processes: UsageReport[];
  /** Average cores busy across the machine, all processes included. */
  machineCores: number;
  /** Average cores the hypervisor took away (steal time). */
  stolenCores: number;
}

/**
 * Samples VmRSS of each watched process every `intervalMs` and takes CPU
 * time at the start and the end, for one scenario.
 */
export class UsageSampler {
  private readonly peaks = new Map<number, number>();
  private readonly cpuAtStart = new Map<number, number>();
  private readonly resets = new Map<number, boolean>();
  private machineAtStart = { busy: 0, steal: 0, total: 0 };
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly watched: Watched[],
    private readonly intervalMs = 100,
  ) {}

  async start(): Promise<void> {
    for (const { pid } of this.watched) {
      this.resets.set(pid, await resetPeakRss(pid));
      this.cpuAtStart.set(pid, (await cpuSeconds(pid)) ?? 0);
      this.peaks.set(pid, 0);
    }
    this.machineAtStart = await machineCpu();
    this.startedAt = performance.now();
    await this.sample();
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample());
    }, this.intervalMs);
    // A scenario that throws must not leave the sampler holding the process.
    this.timer.unref();
  }

  private async sample(): Promise<void> {
    for (const { pid } of this.watched) {
      const rss = await readVm(pid, 'VmRSS');
      if (rss !== undefined && rss > (this.peaks.get(pid) ?? 0)) {
        this.peaks.set(pid, rss);
      }
    }
  }

  async stop(): Promise<UsageSummary> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample();
    const wallSeconds = (performance.now() - this.startedAt) / 1000;
    const machine = await machineCpu();
    const processes: UsageReport[] = [];
    for (const { name, pid } of this.watched) {
      const used =
        ((await cpuSeconds(pid)) ?? 0) - (this.cpuAtStart.get(pid) ?? 0);
      processes.push({
        name,
        peakRssSampled: this.peaks.get(pid) ?? 0,
        peakRssKernel: await readVm(pid, 'VmHWM'),
        kernelPeakIsPerScenario: this.resets.get(pid) ?? false,
        cpuSeconds: used,
        cores: wallSeconds > 0 ? used / wallSeconds : 0,
      });
    }
    const totalDelta = machine.total - this.machineAtStart.total;
    const busyDelta = machine.busy - this.machineAtStart.busy;
    const stealDelta = machine.steal - this.machineAtStart.steal;
    // Scale by the kernel's own clock so rounding of short runs cancels out.
    const cores = os.availableParallelism();
    const share = (part: number) =>
      totalDelta > 0 ? (part / totalDelta) * cores : 0;
    return {
      wallSeconds,
      processes,
      machineCores: share(busyDelta),
      stolenCores: share(stealDelta),
    };
  }
}
