// Runs test scenarios in child processes, two at a time (the machine is
// small and shared): an abort, a crash or a hang in the child is reported
// as its exit code or signal instead of taking the test runner down.
import { execFile } from 'node:child_process'

/** How a child ended: its exit code (null if killed), signal, output. */
export interface ChildResult {
  code: number | null
  signal: string | null
  stdout: string
  stderr: string
}

let running = 0
const waiting: Array<() => void> = []

async function slot<T>(f: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve))
  running++
  try {
    return await f()
  } finally {
    running--
    waiting.shift()?.()
  }
}

/** `node ...args` with `env` added, killed (SIGKILL) after `timeoutMs`. */
export function runNode(
  args: string[],
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<ChildResult> {
  return slot(
    () =>
      new Promise((resolve) => {
        execFile(
          process.execPath,
          args,
          {
            timeout: timeoutMs,
            killSignal: 'SIGKILL',
            env: { ...process.env, ...env },
            maxBuffer: 1 << 24,
          },
          (error, stdout, stderr) => {
            const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
            resolve({ code, signal: error?.signal ?? null, stdout, stderr })
          },
        )
      }),
  )
}
