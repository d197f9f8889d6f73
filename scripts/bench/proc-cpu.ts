import fs from 'node:fs';

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (Linux; utime and stime in
 * clock ticks of 100 Hz). 0 without a pid or when the process is gone. The benchmarks read it around a run
 * to give the CPU each process spent per request, event or message.
 */
export function cpuSeconds(pid: number | string | undefined): number {
  if (!pid) return 0;
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}
