// getaddrinfo and getnameinfo as Promises: the same arguments, results and
// errors as the synchronous forms, with the lookup itself on the libuv
// threadpool so that a slow resolver never blocks the event loop.
// (Attached as `loop.getaddrinfo` / `loop.getnameinfo`.)
import { fromNative } from './errors'
import { gaiArgs, nameinfoArgs } from './netdb'
import type { AddrInfo, GetaddrinfoOptions } from './netdb'
import native = require('./native')

/** getaddrinfo(host, port, family=0, type=0, proto=0, flags=0) off the JS thread. */
export function getaddrinfoAsync(
  host: string | Buffer | null,
  port: string | number | Buffer | null,
  family?: number,
  type?: number,
  proto?: number,
  flags?: number,
): Promise<AddrInfo[]>
export function getaddrinfoAsync(
  host: string | Buffer | null,
  port: string | number | Buffer | null,
  options: GetaddrinfoOptions,
): Promise<AddrInfo[]>
export function getaddrinfoAsync(
  host: string | Buffer | null,
  port: string | number | Buffer | null,
  family: number,
  options: Omit<GetaddrinfoOptions, 'family'>,
): Promise<AddrInfo[]>
export function getaddrinfoAsync(
  host: string | Buffer | null,
  port: string | number | Buffer | null,
  family: number,
  type: number,
  options: Pick<GetaddrinfoOptions, 'proto' | 'flags'>,
): Promise<AddrInfo[]>
export function getaddrinfoAsync(
  host: string | Buffer | null,
  port: string | number | Buffer | null,
  family: number,
  type: number,
  proto: number,
  options: Pick<GetaddrinfoOptions, 'flags'>,
): Promise<AddrInfo[]>
export async function getaddrinfoAsync(
  host: string | Buffer | null,
  port: string | number | Buffer | null,
  ...rest: unknown[]
): Promise<AddrInfo[]> {
  const args = gaiArgs([host, port, ...rest])
  try {
    return (await native.getaddrinfoAsync(...args)) as AddrInfo[]
  } catch (e) {
    throw fromNative(e, 'getaddrinfo')
  }
}

/** getnameinfo(sockaddr, flags) off the JS thread. */
export async function getnameinfoAsync(
  sockaddr: [string, number] | [string, number, number] | [string, number, number, number],
  flags: number,
): Promise<[string, string]> {
  // eslint-disable-next-line prefer-rest-params
  const args = nameinfoArgs(Array.prototype.slice.call(arguments))
  try {
    return await native.getnameinfoAsync(...args)
  } catch (e) {
    throw fromNative(e, 'getnameinfo')
  }
}
