// `npm run example`: the spec's four echo programs, each server with its
// client on loopback. Every program runs in its own Worker thread, since the
// synchronous socket calls block the thread they run on; the server reports
// the free port it got and the client is started with it.
import { once } from 'node:events'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'

const pairs: Array<[title: string, server: string, client: string]> = [
  ['IPv4 echo server and client', 'echo_server.js', 'echo_client.js'],
  [
    'IPv4/IPv6 echo server and client (getaddrinfo)',
    'echo_server_dualstack.js',
    'echo_client_dualstack.js',
  ],
]

/** Resolves when the worker exits with code 0, rejects otherwise. */
async function finished(w: Worker, name: string): Promise<void> {
  const [code] = (await once(w, 'exit')) as [number]
  if (code !== 0) throw new Error(`${name} exited with code ${code}`)
}

async function main(): Promise<void> {
  for (const [title, serverFile, clientFile] of pairs) {
    console.log(`# ${title}`)
    const server = new Worker(join(__dirname, serverFile))
    const serverDone = finished(server, serverFile)
    const [port] = (await Promise.race([once(server, 'message'), serverDone])) as [number]
    const client = new Worker(join(__dirname, clientFile), { argv: [String(port)] })
    await Promise.all([serverDone, finished(client, clientFile)])
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
