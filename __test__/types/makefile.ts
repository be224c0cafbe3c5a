// makefile() typed by mode, as typeshed types open().
import * as socket from 'pysocket'

export function files(s: socket.socket): void {
  const rb = s.makefile('rb')
  const line: Buffer = rb.readline()
  const wb = s.makefile('wb')
  wb.write(Buffer.from('x'))
  wb.flush()
  const rwb = s.makefile('rwb', 0)
  const chunk: Buffer | null = rwb.read(10)
  const text = s.makefile()
  const tline: string = text.readline()
  const w = s.makefile('w', null, { encoding: 'latin-1', newline: '\r\n' })
  w.write('hello\n')
  const r = s.makefile('r', { encoding: 'utf-8', errors: 'replace' })
  const all: string = r.read()
  const opt = s.makefile({ mode: 'rb', buffering: 0 })
  const raw: socket.SocketIO = opt
  const lines: Buffer[] = s.makefile('rb', -1).readlines()
  for (const l of s.makefile('r')) {
    const str: string = l
    console.log(str)
  }
  console.log(line, chunk, tline, all, raw, lines)
}
