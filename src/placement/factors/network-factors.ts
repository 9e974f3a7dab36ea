/** Network factors: the path between the VM, its users, its data and its peers. */
import { listFact, type Factor } from '../factor.js';
import { levelFact, preparedOnly, scaledFact } from './build.js';

const category = 'network' as const;
const perf = ['performance'] as const;

/** Score of sharing a topology level with a peer: the closer the level, the shorter the path. */
const PROXIMITY: readonly ['host' | 'rack' | 'zone' | 'datacenter', number][] = [
  ['host', 1],
  ['rack', 0.75],
  ['zone', 0.5],
  ['datacenter', 0.25],
];

export const NETWORK_FACTORS: readonly Factor[] = [
  scaledFact({ name: 'network_latency', category, fact: 'network_latency_ms', what: 'Round-trip latency from the host to the VM\'s users or gateway, live', unit: 'ms', lo: 0, hi: 50, direction: 'lower', weight: 0.1, serves: perf }),
  scaledFact({ name: 'packet_loss', category, fact: 'packet_loss', what: 'Share of packets lost on the host\'s path, live', unit: 'fraction', lo: 0, hi: 0.02, direction: 'lower', weight: 0.08, serves: perf }),
  scaledFact({ name: 'jitter', category, fact: 'jitter_ms', what: 'Latency variation on the host\'s path', unit: 'ms', lo: 0, hi: 20, direction: 'lower', weight: 0.05, serves: perf }),
  scaledFact({ name: 'network_congestion', category, fact: 'uplink_utilization', what: 'Utilisation of the host\'s top-of-rack uplink', unit: 'fraction', lo: 0, hi: 0.9, direction: 'lower', weight: 0.07, serves: perf }),
  scaledFact({ name: 'network_distance', category, fact: 'network_distance_km', what: 'Distance from the host to the VM\'s users', unit: 'km', lo: 0, hi: 5_000, direction: 'lower', weight: 0.06, serves: perf }),
  scaledFact({ name: 'hop_count', category, fact: 'hop_count', what: 'Router hops from the host to the VM\'s users', unit: 'hops', lo: 1, hi: 10, direction: 'lower', weight: 0.04, serves: perf }),
  scaledFact({ name: 'bandwidth_cost', category, fact: 'bandwidth_cost_per_gb', what: 'Price of egress traffic from the host\'s site', unit: '$/GB', lo: 0, hi: 0.15, direction: 'lower', weight: 0.05, serves: ['cost'] }),
  scaledFact({ name: 'uplink_bandwidth', category, fact: 'uplink_gbps', what: 'Bandwidth of the host\'s uplink', unit: 'Gb/s', lo: 1, hi: 100, direction: 'higher', log: true, weight: 0.05, serves: perf }),
  {
    name: 'peer_proximity',
    category,
    definition: 'Closeness to the VMs and groups the VM talks to (soft.vmAffinity): a peer on the same host → 1, same rack 0.75, zone 0.5, data centre 0.25, else 0.',
    inputs: ['soft.vmAffinity', 'topology'],
    direction: 'higher',
    type: 'cat',
    weight: 0.08,
    serves: perf,
    appliesTo: (r) => !!(r.soft?.vmAffinity?.vms?.length || r.soft?.vmAffinity?.groups?.length),
    ...preparedOnly('peer_proximity', (ctx) => {
      const peers = ctx.peerLocations();
      if (!peers) return () => NaN;
      // Per level: the host's topology code and which codes hold a peer.
      const levels = PROXIMITY.flatMap(([level, score]) => {
        const set = peers.get(level);
        if (!set) return [];
        const { codes, index } = ctx.columns.topology(level);
        const hit = new Uint8Array(index.size);
        for (const v of set) {
          const code = index.get(v);
          if (code !== undefined) hit[code] = 1;
        }
        return [{ codes, hit, score }];
      });
      return (c) => {
        for (let k = 0; k < levels.length; k++) {
          const code = levels[k].codes[c.row];
          if (code >= 0 && levels[k].hit[code]) return levels[k].score;
        }
        return 0;
      };
    }),
  },
  {
    name: 'data_locality',
    category,
    definition: 'Whether the VM\'s data (soft.dataLocation, a zone or data centre name) is local: same zone → 1, same data centre → 0.5, else 0.',
    inputs: ['soft.dataLocation', 'zone', 'datacenter'],
    direction: 'match',
    type: 'cat',
    weight: 0.06,
    serves: perf,
    appliesTo: (r) => !!r.soft?.dataLocation,
    ...preparedOnly('data_locality', (ctx) => {
      const at = ctx.request.soft?.dataLocation;
      if (!at) return () => NaN;
      const zone = ctx.columns.topology('zone');
      const dc = ctx.columns.topology('datacenter');
      const z = zone.index.get(at) ?? -2;
      const d = dc.index.get(at) ?? -2;
      return (c) => (zone.codes[c.row] === z ? 1 : dc.codes[c.row] === d ? 0.5 : 0);
    }),
  },
  scaledFact({ name: 'nic_errors', category, fact: 'network_error_rate', what: 'Network errors per minute on the host\'s NICs over the last hour', unit: '/min', lo: 0, hi: 10, direction: 'lower', weight: 0.04, serves: perf }),
  levelFact({ name: 'network_security', category, fact: 'network_security_level', what: 'Network isolation of the host', top: 3, levels: '0 flat, 1 VLANs, 2 micro-segmented, 3 encrypted fabric', weight: 0.03, serves: perf }),
  scaledFact({ name: 'bgp_path_length', category, fact: 'bgp_path_length', what: 'AS path length from the site to the VM\'s users', unit: 'ASes', lo: 1, hi: 8, direction: 'lower', weight: 0.02, serves: perf }),
  scaledFact({ name: 'dns_resolution_time', category, fact: 'dns_resolution_ms', what: 'DNS resolution time at the site', unit: 'ms', lo: 1, hi: 100, direction: 'lower', weight: 0.02, serves: perf }),
  {
    name: 'load_balancer_affinity',
    category,
    definition: 'The host sits behind the load-balancer pool the VM joins (soft.loadBalancerPool in fact `lb_pools`): 1 or 0.',
    inputs: ['lb_pools', 'soft.loadBalancerPool'],
    direction: 'match',
    type: 'cat',
    weight: 0.04,
    serves: perf,
    appliesTo: (r) => !!r.soft?.loadBalancerPool,
    prepare: (ctx) => {
      const pool = ctx.request.soft?.loadBalancerPool;
      const lists = ctx.columns.list('lb_pools');
      const has = pool ? ctx.columns.membership('lb_pools', pool) : undefined;
      return (c) => (!has || !lists[c.row] ? NaN : has[c.row]);
    },
    score: (c) => {
      const pool = c.request.soft?.loadBalancerPool;
      const pools = listFact(c.host.facts, 'lb_pools');
      return !pool || !pools ? NaN : pools.has(pool.toLowerCase()) ? 1 : 0;
    },
  },
];

