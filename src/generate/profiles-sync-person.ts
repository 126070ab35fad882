/**
 * Simulates one person's life in Segment Profiles Sync: devices that start as anonymous
 * profiles, identify calls, cross-device merges (forming chains when the surviving
 * profile of a merge is later merged itself, with some of Segment's re-mapping rows lost
 * or late), traits that change or are left NULL, rows loaded late and out of order,
 * duplicate rows; and the oddities an identity-health report looks for: test accounts
 * that identify with a new email address again and again (a profile with unusually many
 * identifiers), and shared devices such as kiosks whose anonymous_id several people's
 * profiles observe (an identifier claimed by several profiles). Writes numeric staging
 * rows (see profiles-sync-staging.ts) and the person's ground truth. A person depends only
 * on (seed, index), so generation streams.
 *
 * The simulator is written for speed: one instance simulates many people, reusing its
 * scratch buffers, and writes values straight into the staging columns
 * ({@link StagingRows}), so that a person allocates nothing.
 */
import { Random, mixSeed } from './random.js';
import {
  CITIES, COMPANIES, FIRST_NAMES, LAST_NAMES, PATHS, PLANS, SHARED_DEVICE_VARIANT, STAGING_TABLES, STG_EXTERNAL_IDS,
  STG_EXTERNAL_IDS_LOAD, STG_ID_GRAPH, STG_ID_GRAPH_LOAD, STG_PAGES, STG_TRACKS, STG_TRAITS, STG_TRAITS_DUPLICATE, STG_TRAITS_LOAD,
  STG_TRUTH_EXTERNAL_IDS, STG_TRUTH_ID_GRAPH, STG_TRUTH_PROFILE_TRAITS, STG_TRUTH_SHARED_DEVICES, TRACK_EVENTS,
} from './profiles-sync-staging.js';
import type { ChunkTableSpec } from './chunk-writer.js';
import { StagingRows } from './staging-rows.js';

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
const KIND_SHARED_VISIT = 4;
const DEVICE_WEIGHTS = [55, 28, 12, 5];
const SOURCE_WEIGHTS = [70, 25, 5];
/**
 * At most 4 devices, each with at most 1 + 3 pages + 2 tracks + 4 identifies events, plus a
 * test account's extra identifies and a visit to a shared device.
 */
const MAX_DEVICES = 4;
const MAX_EVENTS = 96;
/** One person in TESTER_EVERY (those with index % TESTER_EVERY === TESTER_AT) runs a test account. */
const TESTER_EVERY = 211;
const TESTER_AT = 17;
/** A test account's identify calls beyond its ordinary ones, each with a new email address. */
const TESTER_IDENTIFIES = [16, 24] as const;
/**
 * One person in SHARED_EVERY (index % SHARED_EVERY === SHARED_AT) visits a shared device
 * once; the people with index in [k * SHARED_EVERY * SHARED_BY, (k + 1) * SHARED_EVERY * SHARED_BY)
 * share device k, so a device is shared by SHARED_BY people (found without coordination:
 * people are simulated independently).
 */
const SHARED_EVERY = 97;
const SHARED_AT = 5;
const SHARED_BY = 10;
/** An identifier as one number: type * ID_TYPE_SPAN + variant. */
const ID_TYPE_SPAN = 10_000_000;

/** The staging tables of a simulation, in STAGING_TABLES order. */
export function stagingBuffers(): StagingRows[] {
  return STAGING_TABLES.map((spec) => new StagingRows(spec.columns.length));
}

/**
 * Simulates people one after another into staging buffers (one {@link StagingRows} per
 * staging table, in STAGING_TABLES order). Counts profiles and merges as it goes.
 */
export class PersonSimulator {
  /** Profiles (segment ids) created so far. */
  profiles = 0;
  /** Merges simulated so far. */
  merges = 0;

  private readonly rng = new Random(0);
  private readonly idGraph: StagingRows;
  private readonly externalIds: StagingRows;
  private readonly traits: StagingRows;
  private readonly pages: StagingRows;
  private readonly tracks: StagingRows;
  private readonly truthIdGraph: StagingRows;
  private readonly truthTraits: StagingRows;
  private readonly truthExternalIds: StagingRows;
  private readonly truthSharedDevices: StagingRows;
  // Scratch space of one person, reused.
  private readonly created = new Float64Array(MAX_DEVICES);
  private readonly source = new Int32Array(MAX_DEVICES);
  private readonly parent = new Int32Array(MAX_DEVICES);
  private readonly times = new Float64Array(MAX_EVENTS);
  private readonly kinds = new Int32Array(MAX_EVENTS);
  private readonly devices = new Int32Array(MAX_EVENTS);
  private readonly order = new Int32Array(MAX_EVENTS);
  private readonly state = new Float64Array(TRAIT_COUNT);
  private readonly updateDevice = new Int32Array(MAX_EVENTS);
  private readonly updateTs = new Float64Array(MAX_EVENTS);
  private readonly updateValues = new Float64Array(MAX_EVENTS * TRAIT_COUNT);
  private readonly latest = new Float64Array(MAX_DEVICES * TRAIT_COUNT);
  private readonly latestTs = new Float64Array(MAX_DEVICES * TRAIT_COUNT);
  private readonly observedKey = new Int32Array(MAX_EVENTS);
  private readonly observedDevice = new Int32Array(MAX_EVENTS);
  private readonly observedTs = new Float64Array(MAX_EVENTS);
  private observedCount = 0;
  private index = 0;
  private eventCount = 0;

  constructor(
    private readonly settings: PersonSettings,
    tables: readonly StagingRows[],
  ) {
    const of = (spec: ChunkTableSpec): StagingRows => tables[STAGING_TABLES.indexOf(spec)]!;
    this.idGraph = of(STG_ID_GRAPH);
    this.externalIds = of(STG_EXTERNAL_IDS);
    this.traits = of(STG_TRAITS);
    this.pages = of(STG_PAGES);
    this.tracks = of(STG_TRACKS);
    this.truthIdGraph = of(STG_TRUTH_ID_GRAPH);
    this.truthTraits = of(STG_TRUTH_PROFILE_TRAITS);
    this.truthExternalIds = of(STG_TRUTH_EXTERNAL_IDS);
    this.truthSharedDevices = of(STG_TRUTH_SHARED_DEVICES);
  }

  /** Simulates person number `index` and appends its rows to the staging buffers. */
  simulate(index: number): void {
    const settings = this.settings;
    const rng = this.rng;
    rng.reseed(mixSeed(settings.seed, index));
    this.index = index;
    const startMs = settings.startMs;
    const spanMs = settings.spanMs;

    // Devices, each with its own anonymous profile (person * 8 + device), created at its first visit.
    // People arrive at a steady rate over the whole period; whatever they would do after its
    // end has not happened yet (a device first seen later does not exist), so loads near
    // the end are as steady as elsewhere, as in a warehouse that is loaded every hour.
    let deviceCount = 1 + rng.weighted(DEVICE_WEIGHTS);
    const personStart = startMs + rng.next() * spanMs;
    const created = this.created;
    for (let d = 0; d < deviceCount; d++) {
      created[d] = d === 0 ? personStart : personStart + rng.exponential(spanMs * 0.15);
    }
    for (let d = 1; d < deviceCount; d++) {
      const t = created[d]!;
      let e = d - 1;
      for (; e >= 0 && created[e]! > t; e--) created[e + 1] = created[e]!;
      created[e + 1] = t;
    }
    while (deviceCount > 1 && created[deviceCount - 1]! >= this.endMs) deviceCount--;
    const source = this.source;
    for (let d = 0; d < deviceCount; d++) source[d] = rng.weighted(SOURCE_WEIGHTS);

    // What happens, as (time, kind, device), sorted by time (creation first on ties).
    this.eventCount = 0;
    const tester = index % TESTER_EVERY === TESTER_AT;
    const identified = rng.chance(0.65) || tester;
    for (let d = 0; d < deviceCount; d++) {
      const c = created[d]!;
      this.push(c, KIND_CREATE, d);
      for (let i = rng.int(0, 3); i > 0; i--) this.push(c + 1000 + rng.exponential(spanMs * 0.1), KIND_PAGE, d);
      for (let i = rng.int(0, 2); i > 0; i--) this.push(c + 1000 + rng.exponential(spanMs * 0.1), KIND_TRACK, d);
      if (identified && (d === 0 || rng.chance(0.8))) {
        const first = c + 1000 + rng.exponential(2 * DAY);
        this.push(first, KIND_IDENTIFY, d);
        for (let i = rng.int(0, 3); i > 0; i--) this.push(first + 1000 + rng.exponential(spanMs * 0.2), KIND_IDENTIFY, d);
      }
    }
    if (tester) {
      for (let i = rng.int(...TESTER_IDENTIFIES); i > 0; i--) this.push(created[0]! + 2000 + rng.exponential(spanMs * 0.2), KIND_IDENTIFY, 0);
    }
    if (index % SHARED_EVERY === SHARED_AT) this.push(created[0]! + 1000 + rng.exponential(spanMs * 0.2), KIND_SHARED_VISIT, 0);
    const n = this.eventCount;
    const order = this.order;
    for (let k = 0; k < n; k++) {
      let e = k - 1;
      for (; e >= 0 && this.after(order[e]!, k); e--) order[e + 1] = order[e]!;
      order[e + 1] = k;
    }

    // Union-find over the devices' profiles.
    const parent = this.parent;
    for (let d = 0; d < deviceCount; d++) parent[d] = d;

    // Traits: email variant, name, plan, company, city (list indexes), logins, lifetime_value, is_subscribed.
    let emailVariant = 0;
    const state = this.state;
    state[0] = 0;
    state[1] = rng.int(0, FIRST_NAMES.length * LAST_NAMES.length - 1);
    state[2] = 0;
    state[3] = rng.int(0, COMPANIES.length - 1);
    state[4] = rng.int(0, CITIES.length - 1);
    state[5] = 0;
    state[6] = 0;
    state[7] = rng.chance(0.5) ? 1 : 0;
    let updates = 0;
    this.observedCount = 0;
    let identifiedDevices = 0;
    let identityRoot = -1;
    let lastTs = 0;
    let eventNo = 0;
    const events = settings.events;
    const updateValues = this.updateValues;

    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const ts = Math.max(Math.floor(this.times[i]!), lastTs + 1);
      lastTs = ts;
      const d = this.devices[i]!;
      const event = eventNo++;
      const src = source[d]!;
      switch (this.kinds[i]) {
        case KIND_CREATE:
          this.profiles++;
          this.graphRow(d, d, EVENT_PAGE, event, ts, 0);
          this.observe(EXT_ANONYMOUS, d, d, event, EVENT_PAGE, ts, src);
          if (events) this.pageRow(event, index * 8 + d, d, 0, src, ts);
          break;
        case KIND_PAGE:
        case KIND_TRACK: {
          if (!events) break;
          const segment = index * 8 + this.find(d);
          const known = identifiedDevices & (1 << d) ? 1 : 0;
          if (this.kinds[i] === KIND_PAGE) this.pageRow(event, segment, d, known, src, ts);
          else this.trackRow(event, segment, d, known, src, ts);
          break;
        }
        case KIND_IDENTIFY: {
          const firstTime = (identifiedDevices & (1 << d)) === 0;
          identifiedDevices |= 1 << d;
          if (firstTime && identityRoot >= 0 && this.find(identityRoot) !== this.find(d)) {
            // Cross-device merge: usually the older profile survives, sometimes the newer one.
            const a = this.find(identityRoot);
            const b = this.find(d);
            const olderFirst = created[a]! <= created[b]!;
            const winner = olderFirst === rng.chance(0.65) ? a : b;
            const loser = winner === a ? b : a;
            this.graphRow(loser, winner, EVENT_IDENTIFY, event, ts, 0);
            this.merges++;
            // Segment also re-maps the loser's absorbed profiles; some of those rows are lost
            // or arrive later here, so that consumers must follow chains.
            for (let m = 0; m < deviceCount; m++) {
              if (m !== loser && this.find(m) === loser && rng.chance(0.7)) {
                const delay = rng.chance(0.2) ? rng.int(1, 6) * HOUR : 0;
                this.graphRow(m, winner, EVENT_IDENTIFY, event, ts, delay);
              }
            }
            parent[loser] = winner;
          }
          if (identityRoot < 0) identityRoot = d;
          const root = this.find(d);
          // A test account signs in with a new address each time (person.1NN@example.org).
          if (tester) emailVariant = 100 + updates;
          else if (rng.chance(0.05)) emailVariant = rng.int(1, 99);
          const first = updates === 0;
          state[0] = emailVariant;
          if (rng.chance(0.2)) state[2] = Math.min(state[2]! + 1, PLANS.length - 1);
          if (rng.chance(0.1)) state[3] = rng.int(0, COMPANIES.length - 1);
          if (rng.chance(0.1)) state[4] = rng.int(0, CITIES.length - 1);
          state[5] = state[5]! + 1;
          state[6] = Math.round((state[6]! + rng.next() * 200) * 100) / 100;
          if (rng.chance(0.15)) state[7] = 1 - state[7]!;
          // The traits this call sets; the others are NULL in the row (left unchanged).
          const at = updates * TRAIT_COUNT;
          for (let t = 0; t < TRAIT_COUNT; t++) {
            updateValues[at + t] = first || t === 5 || rng.chance(0.45) ? state[t]! : Number.NaN;
          }
          this.updateDevice[updates] = root;
          this.updateTs[updates] = ts;
          updates++;
          this.traitsRow(event, root, d, src, ts, at);
          this.observe(EXT_USER, 0, root, event, EVENT_IDENTIFY, ts, src);
          this.observe(EXT_EMAIL, emailVariant, root, event, EVENT_IDENTIFY, ts, src);
          break;
        }
        case KIND_SHARED_VISIT: {
          // A page on a shared device: its anonymous_id is observed on this person's profile
          // (Segment's identity rules keep different people's profiles apart).
          const device = SHARED_DEVICE_VARIANT + Math.floor(index / (SHARED_EVERY * SHARED_BY));
          this.observe(EXT_ANONYMOUS, device, this.find(d), event, EVENT_PAGE, ts, src);
          break;
        }
      }
    }
    this.writeTruth(deviceCount, updates);
  }

  // Ground truth: final canonical of every profile, traits of surviving ones, identifiers.
  private writeTruth(deviceCount: number, updates: number): void {
    const index = this.index;
    for (let d = 0; d < deviceCount; d++) {
      const r = this.truthIdGraph.add();
      const g = this.truthIdGraph.columns;
      g[0]![r] = index;
      g[1]![r] = index * 8 + d;
      g[2]![r] = index * 8 + this.find(d);
    }
    // Updates come in time order with increasing timestamps, so the latest non-null value
    // of each trait in a group is the last one written.
    const latest = this.latest;
    const latestTs = this.latestTs;
    latest.fill(Number.NaN);
    latestTs.fill(-1);
    for (let u = 0; u < updates; u++) {
      const at = this.find(this.updateDevice[u]!) * TRAIT_COUNT;
      const ts = this.updateTs[u]!;
      for (let t = 0; t < TRAIT_COUNT; t++) {
        const v = this.updateValues[u * TRAIT_COUNT + t]!;
        if (!Number.isNaN(v) && ts > latestTs[at + t]!) {
          latest[at + t] = v;
          latestTs[at + t] = ts;
        }
      }
    }
    for (let d = 0; d < deviceCount; d++) {
      const root = this.find(d);
      const merged = root !== d;
      const r = this.truthTraits.add();
      const p = this.truthTraits.columns;
      p[0]![r] = index;
      p[1]![r] = index * 8 + d;
      p[2]![r] = merged ? index * 8 + root : Number.NaN;
      for (let t = 0; t < TRAIT_COUNT; t++) p[3 + t]![r] = merged ? Number.NaN : latest[d * TRAIT_COUNT + t]!;
    }
    for (let o = 0; o < this.observedCount; o++) {
      const key = this.observedKey[o]!;
      const type = Math.floor(key / ID_TYPE_SPAN);
      const variant = key % ID_TYPE_SPAN;
      const canonical = index * 8 + this.find(this.observedDevice[o]!);
      if (type === EXT_ANONYMOUS && variant >= SHARED_DEVICE_VARIANT) {
        // Other people see this identifier too: its truth row is chosen across them.
        const r = this.truthSharedDevices.add();
        const x = this.truthSharedDevices.columns;
        x[0]![r] = index;
        x[1]![r] = variant - SHARED_DEVICE_VARIANT;
        x[2]![r] = canonical;
        x[3]![r] = this.observedTs[o]!;
        continue;
      }
      const r = this.truthExternalIds.add();
      const x = this.truthExternalIds.columns;
      x[0]![r] = index;
      x[1]![r] = type;
      x[2]![r] = variant;
      x[3]![r] = canonical;
    }
  }

  /** End of the simulated period, epoch milliseconds: events after it are not simulated. */
  private get endMs(): number {
    return this.settings.startMs + this.settings.spanMs;
  }

  private push(t: number, kind: number, device: number): void {
    if (t >= this.endMs) return;
    const n = this.eventCount++;
    this.times[n] = t;
    this.kinds[n] = kind;
    this.devices[n] = device;
  }

  /** Whether event `a` sorts after event `b`: by time, creation first on ties, then by index. */
  private after(a: number, b: number): boolean {
    const dt = this.times[a]! - this.times[b]!;
    if (dt !== 0) return dt > 0;
    const ca = this.kinds[a] === KIND_CREATE ? 0 : 1;
    const cb = this.kinds[b] === KIND_CREATE ? 0 : 1;
    if (ca !== cb) return ca > cb;
    return a > b;
  }

  private find(d: number): number {
    const parent = this.parent;
    while (parent[d] !== d) d = parent[d]!;
    return d;
  }

  private loadTime(ts: number): number {
    const rng = this.rng;
    let t = Math.ceil(ts / HOUR) * HOUR + rng.int(5, 50) * 60_000;
    if (rng.chance(0.03)) t += rng.int(1, this.settings.maxLateHours) * HOUR;
    return t;
  }

  /** Sometimes writes row `r` of an update table twice: the copy is loaded later. */
  private maybeDuplicate(table: StagingRows, r: number, loadColumn: number, duplicateColumn: number): void {
    if (this.rng.chance(0.01)) {
      const copy = table.duplicate(r);
      table.columns[loadColumn]![copy] = table.columns[loadColumn]![copy]! + this.rng.int(1, 12) * HOUR;
      if (duplicateColumn >= 0) table.columns[duplicateColumn]![copy] = 1;
    }
  }

  private graphRow(device: number, canonicalDevice: number, eventType: number, event: number, ts: number, delay: number): void {
    const table = this.idGraph;
    const r = table.add();
    const c = table.columns;
    c[0]![r] = this.index;
    c[1]![r] = this.index * 8 + device;
    c[2]![r] = this.index * 8 + canonicalDevice;
    c[3]![r] = eventType;
    c[4]![r] = event;
    c[5]![r] = ts;
    c[6]![r] = this.loadTime(ts) + delay;
    this.maybeDuplicate(table, r, STG_ID_GRAPH_LOAD, -1);
  }

  private observe(type: number, variant: number, device: number, event: number, eventType: number, ts: number, src: number): void {
    const table = this.externalIds;
    const r = table.add();
    const c = table.columns;
    c[0]![r] = this.index;
    c[1]![r] = type;
    c[2]![r] = variant;
    c[3]![r] = this.index * 8 + device;
    c[4]![r] = event;
    c[5]![r] = eventType;
    c[6]![r] = src;
    c[7]![r] = ts;
    c[8]![r] = this.loadTime(ts);
    this.maybeDuplicate(table, r, STG_EXTERNAL_IDS_LOAD, -1);
    // Latest observation per identifier: the device it was last seen on, and when.
    const key = type * ID_TYPE_SPAN + variant;
    let o = 0;
    while (o < this.observedCount && this.observedKey[o] !== key) o++;
    if (o === this.observedCount) {
      this.observedKey[o] = key;
      this.observedCount++;
    }
    this.observedDevice[o] = device;
    this.observedTs[o] = ts;
  }

  private traitsRow(event: number, root: number, device: number, src: number, ts: number, valuesAt: number): void {
    const table = this.traits;
    const r = table.add();
    const c = table.columns;
    c[0]![r] = this.index;
    c[1]![r] = event;
    c[2]![r] = this.index * 8 + root;
    c[3]![r] = device;
    c[4]![r] = src;
    c[5]![r] = 0;
    c[6]![r] = ts;
    c[7]![r] = this.loadTime(ts);
    for (let t = 0; t < TRAIT_COUNT; t++) c[8 + t]![r] = this.updateValues[valuesAt + t]!;
    this.maybeDuplicate(table, r, STG_TRAITS_LOAD, STG_TRAITS_DUPLICATE);
  }

  private pageRow(event: number, segment: number, device: number, known: number, src: number, ts: number): void {
    const r = this.pages.add();
    const c = this.pages.columns;
    c[0]![r] = this.index;
    c[1]![r] = event;
    c[2]![r] = segment;
    c[3]![r] = device;
    c[4]![r] = known;
    c[5]![r] = src;
    c[6]![r] = this.rng.int(0, PATHS.length - 1);
    c[7]![r] = this.rng.chance(0.3) ? 1 : 0;
    c[8]![r] = ts;
    c[9]![r] = this.loadTime(ts);
  }

  private trackRow(event: number, segment: number, device: number, known: number, src: number, ts: number): void {
    const r = this.tracks.add();
    const c = this.tracks.columns;
    c[0]![r] = this.index;
    c[1]![r] = event;
    c[2]![r] = segment;
    c[3]![r] = device;
    c[4]![r] = known;
    c[5]![r] = src;
    c[6]![r] = this.rng.int(0, TRACK_EVENTS.length - 1);
    c[7]![r] = ts;
    c[8]![r] = this.loadTime(ts);
  }
}
