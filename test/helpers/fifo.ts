/** Named pipes (FIFOs) for the device printer tests: a FIFO stands for /dev/usb/lp0, a process reads it. */
export function mkfifoSync(path: string): void {
  const made = Bun.spawnSync(["mkfifo", "-m", "600", path]);
  if (made.exitCode !== 0) throw new Error(`mkfifo ${path} failed: ${made.stderr.toString()}`);
}
