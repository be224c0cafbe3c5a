'use strict'
// The byte meter of the bulk clients (pysocket.js, net.js, stream.js): the
// ns of each SEGMENT bytes received and the CPU time per byte, as one JSON
// line (see bench/common.js).

const SEGMENT = 64 * 2 ** 20

/** Counts bytes into SEGMENT-sized timings; `done()` prints the JSON line. */
function meter() {
  let bytes = 0
  let mark = SEGMENT
  const segments = []
  // CPU from the end of the first segment, as in every client.
  let cpu0 = process.cpuUsage()
  let cpuFrom = 0
  let t0 = process.hrtime.bigint()
  let ts = t0
  return {
    start() {
      cpu0 = process.cpuUsage()
      t0 = ts = process.hrtime.bigint()
    },
    add(n) {
      bytes += n
      if (bytes >= mark) {
        const t = process.hrtime.bigint()
        segments.push(Number(t - ts))
        ts = t
        mark += SEGMENT
        if (segments.length === 1) {
          cpu0 = process.cpuUsage()
          cpuFrom = bytes
        }
      }
    },
    done() {
      const ns = Number(process.hrtime.bigint() - t0)
      const cpu = process.cpuUsage(cpu0)
      const cpu_ns = (cpu.user + cpu.system) * 1000
      console.log(
        JSON.stringify({
          ns,
          cpu_ns,
          cpu_bytes: bytes - cpuFrom,
          bytes,
          segment: SEGMENT,
          segments,
        }),
      )
    },
  }
}

module.exports = { meter }
