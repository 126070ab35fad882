/**
 * Simulates one person's life in Segment Profiles Sync: devices that start as anonymous
 * profiles, identify calls, cross-device merges (forming chains when the surviving
 * profile of a merge is later merged itself, with some of Segment's re-mapping rows lost
 * or late), traits that change or are left NULL, rows loaded late and out of order,
 * duplicate rows. Emits numeric staging rows (see profiles-sync-staging.ts) and the
 * person's ground truth. A person depends only on (seed, index), so generation streams.
 */
import { Random, mixSeed } from './random.js';
import type { ChunkTableSpec, ChunkValue } from './chunk-writer.js';
import {
  CITIES, COMPANIES, FIRST_NAMES, LAST_NAMES, PATHS, PLANS, STG_EXTERNAL_IDS, STG_EXTERNAL_IDS_LOAD, STG_ID_GRAPH,
  STG_ID_GRAPH_LOAD, STG_PAGES, STG_TRACKS, STG_TRAITS, STG_TRAITS_DUPLICATE, STG_TRAITS_LOAD, STG_TRUTH_EXTERNAL_IDS,
  STG_TRUTH_ID_GRAPH, STG_TRUTH_PROFILE_TRAITS, TRACK_EVENTS,
} from './profiles-sync-staging.js';

/** Receives the rows of one staging table. */
export type RowSink = (table: ChunkTableSpec, row: ChunkValue[]) => void;

/** What the simulation of one person needs to know about the run. */
export interface PersonSettings {
  seed: number;
  /** Start of the simulated period, epoch milliseconds. */
  startMs: number;
  /** Length of the simulated period, milliseconds. */
  spanMs: number;
  /** Whether to write pages, tracks and identifies (the event tables). */
  events: boolean;
  /** Longest delay of a late row, hours (keep it below the package's etl_overlap). */
  maxLateHours: number;
}

/** Counters for one person. */
export interface PersonStats {
  profiles: number;
  merges: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TRAIT_COUNT = 8;
const EXT_ANONYMOUS = 0;
const EXT_USER = 1;
const EXT_EMAIL = 2;
const EVENT_PAGE = 0;
const EVENT_IDENTIFY = 1;
const KIND_CREATE = 0;
const KIND_PAGE = 1;
const KIND_TRACK = 2;
const KIND_IDENTIFY = 3;

/** Simulates person number `index` and sends its rows to `emit`. */
export function simulatePerson(settings: PersonSettings, index: number, emit: RowSink): PersonStats {
  const rng = new Random(mixSeed(settings.seed, index));
  const endMs = settings.startMs + settings.spanMs;
  const clamp = (t: number): number => Math.min(Math.max(t, settings.startMs), endMs - 1000);
  const stats: PersonStats = { profiles: 0, merges: 0 };

  // Devices, each with its own anonymous profile (person * 8 + device), created at its first visit.
  const deviceCount = 1 + rng.weighted([55, 28, 12, 5]);
  const personStart = settings.startMs + rng.next() * settings.spanMs * 0.85;
  const created: number[] = [];
  for (let d = 0; d < deviceCount; d++) {
    created.push(clamp(d === 0 ? personStart : personStart + rng.exponential(settings.spanMs * 0.15)));
  }
  created.sort((a, b) => a - b);
  const profileOf = (d: number): number => index * 8 + d;
  const source = created.map(() => rng.weighted([70, 25, 5]));

  // What happens, as [time, kind, device] triples, sorted by time (creation first on ties).
  const times: number[] = [];
  const kinds: number[] = [];
  const devices: number[] = [];
  const push = (t: number, kind: number, device: number): void => {
    times.push(clamp(t));
    kinds.push(kind);
    devices.push(device);
  };
  const identified = rng.chance(0.65);
  for (let d = 0; d < deviceCount; d++) {
    const c = created[d]!;
    push(c, KIND_CREATE, d);
    for (let i = rng.int(0, 3); i > 0; i--) push(c + 1000 + rng.exponential(settings.spanMs * 0.1), KIND_PAGE, d);
    for (let i = rng.int(0, 2); i > 0; i--) push(c + 1000 + rng.exponential(settings.spanMs * 0.1), KIND_TRACK, d);
    if (identified && (d === 0 || rng.chance(0.8))) {
      const first = c + 1000 + rng.exponential(2 * DAY);
      push(first, KIND_IDENTIFY, d);
      for (let i = rng.int(0, 3); i > 0; i--) push(first + 1000 + rng.exponential(settings.spanMs * 0.2), KIND_IDENTIFY, d);
    }
  }
  const order = times.map((_, i) => i);
  order.sort((a, b) => times[a]! - times[b]! || (kinds[a] === KIND_CREATE ? 0 : 1) - (kinds[b] === KIND_CREATE ? 0 : 1) || a - b);

  // Union-find over the devices' profiles.
  const parent = created.map((_, d) => d);
  const find = (d: number): number => {
    while (parent[d] !== d) d = parent[d]!;
    return d;
  };

  // Traits: email variant, name, plan, company, city (list indexes), logins, lifetime_value, is_subscribed.
  let emailVariant = 0;
  const state: number[] = [
    0, rng.int(0, FIRST_NAMES.length * LAST_NAMES.length - 1), 0, rng.int(0, COMPANIES.length - 1),
    rng.int(0, CITIES.length - 1), 0, 0, rng.chance(0.5) ? 1 : 0,
  ];
  // Trait updates kept for the truth: segment device, time, values.
  const updateDevice: number[] = [];
  const updateTs: number[] = [];
  const updateValues: ChunkValue[][] = [];
  // Latest observation per identifier key (type * 1000 + variant): [device, ts].
  const observed = new Map<number, [number, number]>();
  const identifiedDevices = new Set<number>();
  let identityRoot = -1;
  let lastTs = 0;
  let eventNo = 0;

  const loadTime = (ts: number): number => {
    let t = Math.ceil(ts / HOUR) * HOUR + rng.int(5, 50) * 60_000;
    if (rng.chance(0.03)) t += rng.int(1, settings.maxLateHours) * HOUR;
    return t;
  };
  // Writes an update row, sometimes twice (a duplicate loaded later).
  const emitUpdate = (table: ChunkTableSpec, row: ChunkValue[], loadIndex: number, duplicateIndex = -1): void => {
    emit(table, row);
    if (rng.chance(0.01)) {
      row[loadIndex] = (row[loadIndex] as number) + rng.int(1, 12) * HOUR;
      if (duplicateIndex >= 0) row[duplicateIndex] = 1;
      emit(table, row);
    }
  };
  const graphRow = (device: number, canonicalDevice: number, eventType: number, event: number, ts: number, delay = 0): void => {
    emitUpdate(STG_ID_GRAPH, [index, profileOf(device), profileOf(canonicalDevice), eventType, event, ts, loadTime(ts) + delay], STG_ID_GRAPH_LOAD);
  };
  const observe = (type: number, variant: number, device: number, event: number, eventType: number, ts: number, src: number): void => {
    emitUpdate(STG_EXTERNAL_IDS, [index, type, variant, profileOf(device), event, eventType, src, ts, loadTime(ts)], STG_EXTERNAL_IDS_LOAD);
    observed.set(type * 1000 + variant, [device, ts]);
  };

  for (const i of order) {
    const ts = Math.max(Math.floor(times[i]!), lastTs + 1);
    lastTs = ts;
    const d = devices[i]!;
    const event = eventNo++;
    const src = source[d]!;
    switch (kinds[i]) {
      case KIND_CREATE:
        stats.profiles++;
        graphRow(d, d, EVENT_PAGE, event, ts);
        observe(EXT_ANONYMOUS, d, d, event, EVENT_PAGE, ts, src);
        if (settings.events) emit(STG_PAGES, [index, event, profileOf(d), d, 0, src, rng.int(0, PATHS.length - 1), rng.chance(0.3) ? 1 : 0, ts, loadTime(ts)]);
        break;
      case KIND_PAGE:
      case KIND_TRACK: {
        if (!settings.events) break;
        const segment = profileOf(find(d));
        const known = identifiedDevices.has(d) ? 1 : 0;
        if (kinds[i] === KIND_PAGE) emit(STG_PAGES, [index, event, segment, d, known, src, rng.int(0, PATHS.length - 1), rng.chance(0.3) ? 1 : 0, ts, loadTime(ts)]);
        else emit(STG_TRACKS, [index, event, segment, d, known, src, rng.int(0, TRACK_EVENTS.length - 1), ts, loadTime(ts)]);
        break;
      }
      case KIND_IDENTIFY: {
        const firstTime = !identifiedDevices.has(d);
        identifiedDevices.add(d);
        if (firstTime && identityRoot >= 0 && find(identityRoot) !== find(d)) {
          // Cross-device merge: usually the older profile survives, sometimes the newer one.
          const a = find(identityRoot);
          const b = find(d);
          const olderFirst = created[a]! <= created[b]!;
          const winner = olderFirst === rng.chance(0.65) ? a : b;
          const loser = winner === a ? b : a;
          graphRow(loser, winner, EVENT_IDENTIFY, event, ts);
          stats.merges++;
          // Segment also re-maps the loser's absorbed profiles; some of those rows are lost
          // or arrive later here, so that consumers must follow chains.
          for (let m = 0; m < deviceCount; m++) {
            if (m !== loser && find(m) === loser && rng.chance(0.7)) {
              graphRow(m, winner, EVENT_IDENTIFY, event, ts, rng.chance(0.2) ? rng.int(1, 6) * HOUR : 0);
            }
          }
          parent[loser] = winner;
        }
        if (identityRoot < 0) identityRoot = d;
        const root = find(d);
        if (rng.chance(0.05)) emailVariant = rng.int(1, 99);
        const first = updateTs.length === 0;
        state[0] = emailVariant;
        if (rng.chance(0.2)) state[2] = Math.min(state[2]! + 1, PLANS.length - 1);
        if (rng.chance(0.1)) state[3] = rng.int(0, COMPANIES.length - 1);
        if (rng.chance(0.1)) state[4] = rng.int(0, CITIES.length - 1);
        state[5] = state[5]! + 1;
        state[6] = Math.round((state[6]! + rng.next() * 200) * 100) / 100;
        if (rng.chance(0.15)) state[7] = 1 - state[7]!;
        // The traits this call sets; the others are NULL in the row (left unchanged).
        const values: ChunkValue[] = state.map((v, t) => (first || t === 5 || rng.chance(0.45) ? v : null));
        updateDevice.push(root);
        updateTs.push(ts);
        updateValues.push(values);
        emitUpdate(STG_TRAITS, [index, event, profileOf(root), d, src, 0, ts, loadTime(ts), ...values], STG_TRAITS_LOAD, STG_TRAITS_DUPLICATE);
        observe(EXT_USER, 0, root, event, EVENT_IDENTIFY, ts, src);
        observe(EXT_EMAIL, emailVariant, root, event, EVENT_IDENTIFY, ts, src);
        break;
      }
    }
  }

  // Ground truth: final canonical of every profile, traits of surviving ones, identifiers.
  for (let d = 0; d < deviceCount; d++) emit(STG_TRUTH_ID_GRAPH, [index, profileOf(d), profileOf(find(d))]);
  const latest = new Map<number, ChunkValue[]>();
  const latestTs = new Map<number, number[]>();
  for (let u = 0; u < updateTs.length; u++) {
    const root = find(updateDevice[u]!);
    let vals = latest.get(root);
    let tss = latestTs.get(root);
    if (vals === undefined || tss === undefined) {
      vals = new Array<ChunkValue>(TRAIT_COUNT).fill(null);
      tss = new Array<number>(TRAIT_COUNT).fill(-1);
      latest.set(root, vals);
      latestTs.set(root, tss);
    }
    const values = updateValues[u]!;
    for (let t = 0; t < TRAIT_COUNT; t++) {
      if (values[t] !== null && updateTs[u]! > tss[t]!) {
        vals[t] = values[t]!;
        tss[t] = updateTs[u]!;
      }
    }
  }
  const none = new Array<ChunkValue>(TRAIT_COUNT).fill(null);
  for (let d = 0; d < deviceCount; d++) {
    const root = find(d);
    const merged = root !== d;
    emit(STG_TRUTH_PROFILE_TRAITS, [index, profileOf(d), merged ? profileOf(root) : null, ...(merged ? none : latest.get(d) ?? none)]);
  }
  for (const [key, [device]] of observed) {
    emit(STG_TRUTH_EXTERNAL_IDS, [index, Math.floor(key / 1000), key % 1000, profileOf(find(device))]);
  }
  return stats;
}
