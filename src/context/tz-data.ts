/**
 * IANA time zones as pytz sees them, read from the ICU data built into Node
 * (`Intl.DateTimeFormat`; its tz data version is `process.versions.tz`, which may lag or
 * lead pytz's by a release, so a rule changed in between differs). py-datetime.ts builds
 * `modules.pytz` on it.
 *
 * pytz's quirks are kept, since dbt renders them:
 * - offsets are rounded to whole minutes (pytz's `(seconds + 30) // 60 * 60`): local mean
 *   time (LMT) in Los Angeles is -07:53, not -07:52:58;
 * - pytz reads only the 32-bit part of a zone file: an instant before 1901-12-13T20:45:52Z
 *   has the zone's first offset (its LMT, which is what `pytz.timezone(z)` itself carries),
 *   and one after 2038-01-19T03:14:07Z keeps the offset in force then (New York in July
 *   2050 is -05:00 in pytz);
 * - EST5EDT, CST6CDT, MST7MDT and PST8PDT start at their standard offset, not at an LMT.
 *
 * What ICU does not give is made up as follows. Checked against pytz 2026.6 on all 597
 * zones at two instants a year over 1900–2037 (offsets agree except where a rule changed
 * between the two tz data versions; names agree on 99.2% of instants since 1970 and 85%
 * before, DST parts on 99.7% and 97%), and localize() around every 2015–2025 transition of
 * 77 common zones (all agree); scripts/tz-golden.py keeps part of that check.
 * - the abbreviation (`%Z`, `tzname()`): ICU names a zone's metazone ("Central European
 *   Standard Time"); METAZONES maps those whose tzdata abbreviation is made of letters, and
 *   any other offset is named by its digits as tzdata does ("+0530", "-03"); the zones of
 *   NUMERIC_NAMES are ones where a metazone's letters would be wrong. Before 1970, where
 *   ICU has no metazones, an offset takes the zone's name for it in 1975, 2000 or 2021 (New
 *   York's -04:00 in 1929 is EDT), else digits; names tzdata gave only then ("EWT", "CMT")
 *   are not known. The first offset is "LMT" ("-00" when it is 0).
 * - the DST part (`dst()`, and which of two offsets `localize(dt, is_dst=...)` picks): the
 *   offset minus the lowest offset within half a year, 0 when ICU calls the time
 *   "Standard", at least an hour when it calls it "Daylight" or "Summer"; Dublin's winter
 *   and Morocco's Ramadan are -1:00, as tzdata (and so pytz) has them.
 */

/** One offset a zone takes: seconds east of UTC, its DST part, its abbreviation. */
export interface ZoneState {
  offset: number;
  dst: number;
  name: string;
}

/** pytz's names that Node 20's `Intl.supportedValuesOf('timeZone')` does not list (aliases, Etc/, old country names): with them, `all_timezones` is pytz's list. */
const ALIASES = `Africa/Asmara Africa/Timbuktu America/Argentina/Buenos_Aires America/Argentina/Catamarca
America/Argentina/ComodRivadavia America/Argentina/Cordoba America/Argentina/Jujuy America/Argentina/Mendoza
America/Atikokan America/Atka America/Ensenada America/Fort_Wayne America/Indiana/Indianapolis
America/Kentucky/Louisville America/Knox_IN America/Montreal America/Nipigon America/Nuuk America/Pangnirtung
America/Porto_Acre America/Rainy_River America/Rosario America/Santa_Isabel America/Shiprock America/Thunder_Bay
America/Virgin America/Yellowknife Antarctica/South_Pole Asia/Ashkhabad Asia/Choibalsan Asia/Chongqing
Asia/Chungking Asia/Dacca Asia/Harbin Asia/Ho_Chi_Minh Asia/Istanbul Asia/Kashgar Asia/Kathmandu Asia/Kolkata
Asia/Macao Asia/Tel_Aviv Asia/Thimbu Asia/Ujung_Pandang Asia/Ulan_Bator Asia/Yangon Atlantic/Faroe
Atlantic/Jan_Mayen Australia/ACT Australia/Canberra Australia/Currie Australia/LHI Australia/NSW Australia/North
Australia/Queensland Australia/South Australia/Tasmania Australia/Victoria Australia/West Australia/Yancowinna
Brazil/Acre Brazil/DeNoronha Brazil/East Brazil/West CET CST6CDT Canada/Atlantic Canada/Central Canada/Eastern
Canada/Mountain Canada/Newfoundland Canada/Pacific Canada/Saskatchewan Canada/Yukon Chile/Continental
Chile/EasterIsland Cuba EET EST EST5EDT Egypt Eire Etc/GMT Etc/GMT+0 Etc/GMT+1 Etc/GMT+10 Etc/GMT+11 Etc/GMT+12
Etc/GMT+2 Etc/GMT+3 Etc/GMT+4 Etc/GMT+5 Etc/GMT+6 Etc/GMT+7 Etc/GMT+8 Etc/GMT+9 Etc/GMT-0 Etc/GMT-1 Etc/GMT-10
Etc/GMT-11 Etc/GMT-12 Etc/GMT-13 Etc/GMT-14 Etc/GMT-2 Etc/GMT-3 Etc/GMT-4 Etc/GMT-5 Etc/GMT-6 Etc/GMT-7 Etc/GMT-8
Etc/GMT-9 Etc/GMT0 Etc/Greenwich Etc/UCT Etc/UTC Etc/Universal Etc/Zulu Europe/Belfast Europe/Kyiv Europe/Nicosia
Europe/Tiraspol Europe/Uzhgorod Europe/Zaporozhye GB GB-Eire GMT GMT+0 GMT-0 GMT0 Greenwich HST Hongkong Iceland
Iran Israel Jamaica Japan Kwajalein Libya MET MST MST7MDT Mexico/BajaNorte Mexico/BajaSur Mexico/General NZ
NZ-CHAT Navajo PRC PST8PDT Pacific/Chuuk Pacific/Johnston Pacific/Kanton Pacific/Pohnpei Pacific/Samoa Pacific/Yap
Poland Portugal ROC ROK Singapore Turkey UCT US/Alaska US/Aleutian US/Arizona US/Central US/East-Indiana
US/Eastern US/Hawaii US/Indiana-Starke US/Michigan US/Mountain US/Pacific US/Samoa UTC Universal W-SU WET Zulu`;

/** Zones with a single offset, which pytz makes a StaticTzInfo. */
const STATIC = /^(Etc\/.+|GMT[+-]?0?|Greenwich|UCT|UTC|Universal|Zulu)$/;

/** The old POSIX-rule zones, whose first offset is their standard time. */
const POSIX_FIRST: Record<string, ZoneState> = {
  EST5EDT: { offset: -18000, dst: 0, name: 'EST' },
  CST6CDT: { offset: -21600, dst: 0, name: 'CST' },
  MST7MDT: { offset: -25200, dst: 0, name: 'MST' },
  PST8PDT: { offset: -28800, dst: 0, name: 'PST' },
};

/**
 * tzdata's letter abbreviations by ICU metazone ("Eastern" for "Eastern Standard Time"):
 * standard time, then daylight/summer time where there is one.
 */
const METAZONES: Record<string, [string, string?]> = {
  Greenwich: ['GMT'], 'East Africa': ['EAT'], 'West Africa': ['WAT'], 'Central Africa': ['CAT'], 'South Africa': ['SAST'],
  'Western European': ['WET', 'WEST'], 'Central European': ['CET', 'CEST'], 'Eastern European': ['EET', 'EEST'],
  British: ['BST', 'BST'], Irish: ['IST'], Moscow: ['MSK', 'MSD'], Volgograd: ['MSK', 'MSD'],
  'Hawaii-Aleutian': ['HST', 'HDT'], Alaska: ['AKST', 'AKDT'], Pacific: ['PST', 'PDT'], Mountain: ['MST', 'MDT'],
  Central: ['CST', 'CDT'], Eastern: ['EST', 'EDT'], Atlantic: ['AST', 'ADT'], Newfoundland: ['NST', 'NDT'],
  'Mexican Pacific': ['MST', 'MDT'], Yukon: ['MST'], Cuba: ['CST', 'CDT'],
  'Australian Western': ['AWST'], 'Australian Central': ['ACST', 'ACDT'], 'Australian Eastern': ['AEST', 'AEDT'],
  'New Zealand': ['NZST', 'NZDT'], India: ['IST'], Pakistan: ['PKT'], Israel: ['IST', 'IDT'],
  China: ['CST', 'CDT'], Taiwan: ['CST'], Macao: ['CST', 'CDT'], 'Hong Kong': ['HKT', 'HKST'], Japan: ['JST'],
  Korean: ['KST'], 'North Korea': ['KST'], Philippine: ['PST', 'PDT'],
  'Western Indonesia': ['WIB'], 'Central Indonesia': ['WITA'], 'Eastern Indonesia': ['WIT'],
  Guam: ['GST'], 'Northern Mariana Islands': ['GST'], Chamorro: ['ChST'], 'American Samoa': ['SST'],
};

/** Zones that tzdata names by digits although ICU gives them a metazone with letters. */
const NUMERIC_NAMES = new Set([
  'Africa/Casablanca', 'Africa/El_Aaiun', 'Antarctica/Casey', 'Antarctica/Troll', 'Asia/Colombo', 'Asia/Dili',
  'Asia/Thimbu', 'Asia/Thimphu', 'Europe/Astrakhan', 'Europe/Minsk', 'Europe/Saratov', 'Europe/Ulyanovsk',
]);

/** Zones ICU keeps apart from the one whose names they share in tzdata. */
const NAMES_OF: Record<string, string> = {
  'Europe/Guernsey': 'Europe/London', 'Europe/Isle_of_Man': 'Europe/London', 'Europe/Jersey': 'Europe/London',
};

/** pytz's 32-bit range, in seconds. */
const FIRST_TRANSITION = -(2 ** 31);
const LAST_SECOND = 2 ** 31 - 1;
/** An instant before every zone's first transition, where ICU gives its local mean time. */
const EARLIEST = Date.UTC(1600, 0, 1) / 1000;
const HALF_YEAR = 182 * 86_400;
/**
 * Zones whose standard time is their summer time in tzdata ("negative DST"), from when, and
 * their standard offset: any other offset is DST, of minus the difference.
 */
const NEGATIVE_DST: Record<string, [since: number, standard: number]> = {
  'Europe/Dublin': [Date.UTC(1971, 9, 31, 2) / 1000, 3600],
  'Africa/Casablanca': [Date.UTC(2018, 9, 28, 2) / 1000, 3600],
  'Africa/El_Aaiun': [Date.UTC(2018, 9, 28, 2) / 1000, 3600],
};

/** pytz's rounding of an offset to whole minutes. */
const toMinute = (s: number) => Math.floor((s + 30) / 60) * 60;

interface Formats {
  parts: Intl.DateTimeFormat;
  long: Intl.DateTimeFormat;
  /** The zone ICU resolves the name to (Dublin's aliases, say). */
  resolved: string;
}
const formats = new Map<string, Formats>();

function formatsOf(zone: string): Formats {
  let f = formats.get(zone);
  if (!f) {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    const long = new Intl.DateTimeFormat('en-US', { timeZone: NAMES_OF[zone] ?? zone, timeZoneName: 'long' });
    f = { parts, long, resolved: parts.resolvedOptions().timeZone };
    formats.set(zone, f);
  }
  return f;
}

/** The zone's offset at a UTC instant (whole seconds), in seconds, as ICU has it (LMT keeps its seconds). */
function rawOffset(zone: string, sec: number): number {
  const p: Record<string, string> = {};
  for (const x of formatsOf(zone).parts.formatToParts(sec * 1000)) p[x.type] = x.value;
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) / 1000 - sec;
}

/** ICU's long name of the zone's time at an instant: "Pacific Daylight Time", or "GMT+03:00" without a metazone. */
function longName(zone: string, sec: number): string {
  return formatsOf(zone).long.formatToParts(sec * 1000).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/** tzdata's numeric abbreviation of an offset: "+03", "+0530", "-0930". */
function digits(offset: number): string {
  const a = Math.abs(offset);
  const mm = Math.floor(a / 60) % 60;
  return `${offset < 0 ? '-' : '+'}${String(Math.floor(a / 3600)).padStart(2, '0')}${mm ? String(mm).padStart(2, '0') : ''}`;
}

let names: Map<string, string> | undefined;

/** Every name pytz knows, by its lower case (for pytz's case-insensitive lookup). */
function namesByLowerCase(): Map<string, string> {
  names ??= new Map([...Intl.supportedValuesOf('timeZone'), ...ALIASES.split(/\s+/)].map((n) => [n.toLowerCase(), n]));
  return names;
}

/** A zone's name as pytz spells it (`europe/paris` is `Europe/Paris`), or undefined if there is no such zone here. */
export function zoneName(name: string): string | undefined {
  const zone = namesByLowerCase().get(name.toLowerCase());
  if (zone === undefined) return undefined;
  try {
    formatsOf(zone);
    return zone;
  } catch {
    return undefined; // a name this Node's ICU does not know
  }
}

let all: readonly string[] | undefined;

/** `pytz.all_timezones`: every zone name, sorted. */
export function allTimezones(): readonly string[] {
  all ??= Object.freeze([...new Set(namesByLowerCase().values())].filter((n) => zoneName(n) !== undefined).sort());
  return all;
}

/** The single offset of a zone pytz makes a StaticTzInfo (Etc/GMT+5, GMT, UCT…), or undefined for a zone with transitions. */
export function staticState(zone: string): ZoneState | undefined {
  if (!STATIC.test(zone)) return undefined;
  const offset = toMinute(rawOffset(zone, 0));
  return { offset, dst: 0, name: offset ? digits(offset) : /GMT|Greenwich/.test(zone) ? 'GMT' : 'UTC' };
}

/** The zone's first offset: the one `pytz.timezone(zone)` carries, its local mean time for most zones. */
export function firstState(zone: string): ZoneState {
  const posix = POSIX_FIRST[zone];
  if (posix) return posix;
  const raw = rawOffset(zone, EARLIEST);
  return { offset: toMinute(raw), dst: 0, name: raw === 0 ? '-00' : 'LMT' };
}

/** The offset a zone has at a UTC instant (seconds), as pytz's `fromutc` finds it. */
export function stateAt(zone: string, utcSeconds: number): ZoneState {
  if (utcSeconds < FIRST_TRANSITION) return firstState(zone);
  const sec = Math.min(Math.floor(utcSeconds), LAST_SECOND);
  const raw = rawOffset(zone, sec);
  const first = rawOffset(zone, EARLIEST);
  // still on local mean time (an offset with seconds, which no later rule has)
  if (raw === first && raw % 60 !== 0 && !POSIX_FIRST[zone]) return firstState(zone);
  const long = longName(zone, sec);
  const offset = toMinute(raw);
  const kind = /^.+? (?:(Standard|Daylight|Summer|Mean) )?Time$/.exec(long)?.[1];
  const daylight = kind === 'Daylight' || kind === 'Summer';
  let dst: number;
  if (kind === 'Standard' || kind === 'Mean') dst = 0;
  else {
    dst = raw - Math.min(raw, rawOffset(zone, sec - HALF_YEAR), rawOffset(zone, sec + HALF_YEAR));
    if (daylight && dst <= 0) dst = 3600;
  }
  const negative = NEGATIVE_DST[formatsOf(zone).resolved];
  if (negative && sec >= negative[0]) dst = raw - negative[1];
  const older = sec < 0 && !NUMERIC_NAMES.has(zone) ? modernNames(zone).get(offset) : undefined;
  const name = metazoneName(zone, long) ?? older ?? digits(offset);
  return { offset, dst: toMinute(dst), name };
}

/** tzdata's letters for ICU's long name of a zone's time, if METAZONES has them. */
function metazoneName(zone: string, long: string): string | undefined {
  const m = /^(.+?) (?:(Standard|Daylight|Summer|Mean) )?Time$/.exec(long);
  const letters = m && !NUMERIC_NAMES.has(zone) ? METAZONES[m[1]!] : undefined;
  return letters && (m![2] === 'Daylight' || m![2] === 'Summer' ? letters[1] : letters[0]);
}

const modern = new Map<string, Map<number, string>>();
const MODERN_INSTANTS = [1975, 2000, 2021].flatMap((y) => [Date.UTC(y, 0, 15), Date.UTC(y, 6, 15)].map((ms) => ms / 1000));

/**
 * A zone's lettered names by offset soon after 1970, when ICU's metazones start: ICU gives
 * none for older times (New York in 1929 is "GMT-04:00"), which tzdata mostly names as then
 * (EDT). The earliest instant naming an offset wins.
 */
function modernNames(zone: string): Map<number, string> {
  let names = modern.get(zone);
  if (!names) {
    names = new Map();
    for (const sec of MODERN_INSTANTS) {
      const name = metazoneName(zone, longName(zone, sec));
      const offset = toMinute(rawOffset(zone, sec));
      if (name && !names.has(offset)) names.set(offset, name);
    }
    modern.set(zone, names);
  }
  return names;
}
