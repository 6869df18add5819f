import { lookup as dnsLookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

export type Lookup = (hostname: string) => Promise<string[]>

/**
 * Addresses a production webhook may not reach: the service's own host and network (SSRF). BlockList
 * checks IPv4-mapped IPv6 (`::ffff:127.0.0.1`) against the IPv4 rules itself; a `::ffff:0:0/96` rule
 * would do the reverse and match every IPv4 address.
 */
const PRIVATE = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6')

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 0) return true
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6')
}

const systemLookup: Lookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address)

/**
 * Why a webhook URL is refused, or undefined when it may be used. Development and sandbox mode
 * (`allowPrivate`) take any http(s) URL, so a receiver on localhost works. Production takes https
 * only, and only when no address the host resolves to is private, loopback or link-local.
 */
export async function webhookUrlProblem(
  url: string,
  options: { allowPrivate: boolean; lookup?: Lookup },
): Promise<string | undefined> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'is not a valid URL'
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an http(s) URL'
  if (options.allowPrivate) return undefined
  if (parsed.protocol !== 'https:') return 'must be an https URL'
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1')
  let addresses: string[]
  try {
    addresses = isIP(host) ? [host] : await (options.lookup ?? systemLookup)(host)
  } catch {
    return `host ${host} does not resolve`
  }
  if (addresses.length === 0) return `host ${host} does not resolve`
  const blocked = addresses.find(isPrivateAddress)
  return blocked
    ? `must not point to a private, loopback or link-local address (${host} resolves to ${blocked})`
    : undefined
}
