// Countries and territories as Notify recognises them on the last line of a postal address, and the
// Royal Mail postage zone each one is in. Ported from notifications-utils, notifications_utils/countries/
// (__init__.py and data.py); the data files in ./data/countries/ are Notify's own (see the README there).
import { readFileSync } from 'node:fs';
import { asciiCharacter } from '../templates/sanitise-text.ts';

export type PostageZone = 'united-kingdom' | 'europe' | 'rest-of-world';

export const UK = 'United Kingdom';

function dataFile(name: string): string {
  return readFileSync(new URL(`./data/countries/${name}`, import.meta.url), 'utf8');
}

function jsonData<T>(name: string): T {
  return JSON.parse(dataFile(name)) as T;
}

/** A .txt data file: one name a line. */
function listData(name: string): string[] {
  return dataFile(name)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

interface GraphItem {
  edges: { from: string[] };
  meta: { canonical: boolean };
  names: { 'en-GB': string };
}

// The GOV.UK country and territory picker's graph: every name (current, ended, synonyms, endonyms)
// points, through its edges, at a canonical country or territory.
const graph = jsonData<Record<string, GraphItem>>('location-autocomplete-graph.json');

function canonicalNameOf(item: GraphItem): string {
  let current = item;
  while (!current.meta.canonical) current = graph[current.edges.from[0]];
  return current.names['en-GB'];
}

const ENDED_COUNTRIES = jsonData<Record<string, string | null>>('ended-countries.json');
const ADDITIONAL_SYNONYMS = Object.entries(jsonData<Record<string, string>>('synonyms.json'));
const IGNORED_NUMERIC_SYNONYMS = new Set(listData('ignored-numeric-synonyms.txt'));
const WELSH_NAMES = Object.entries(jsonData<Record<string, string>>('welsh-names.json'));
const UK_ISLANDS_LIST = listData('uk-islands.txt');
const EUROPEAN_ISLANDS_LIST = listData('european-islands.txt');

/** Postcode areas (the letters before the first digit) that Royal Mail delivers to as UK post. */
export const UK_POSTCODE_ZONES: readonly string[] = listData('uk-postcode-zones.txt');

/** Royal Mail's Europe zone, with the canonical names of the countries in it. */
export const ROYAL_MAIL_EUROPEAN: ReadonlySet<string> = new Set(listData('europe.txt'));

function countriesAndTerritories(): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const item of Object.values(graph)) {
    const synonym = item.names['en-GB'];
    const canonical = canonicalNameOf(item);
    if (IGNORED_NUMERIC_SYNONYMS.has(synonym)) continue;
    // Crown dependencies (Jersey, Guernsey, the Isle of Man…) take UK post.
    if (UK_ISLANDS_LIST.includes(canonical)) {
      pairs.push([synonym, UK]);
    } else if (canonical in ENDED_COUNTRIES) {
      // A country that no longer exists is posted to its successor, or is not a country at all.
      const successor = ENDED_COUNTRIES[canonical];
      if (successor) pairs.push([synonym, successor], [canonical, successor]);
    } else {
      pairs.push([synonym, canonical]);
    }
  }
  return pairs;
}

const DIGIT = /\p{Nd}/u;
const IGNORED_IN_NAMES = new Set([..." _-'’,.()"]);

/**
 * The key a country name is compared by: lower case, without spaces and punctuation, '&' and '+' as
 * 'and', accents removed (unless that would leave characters with no ASCII form, e.g. Cyrillic).
 * Throws for a name with a digit, which is never a country (and usually a postcode).
 */
export function normaliseCountryName(name: string): string {
  if (DIGIT.test(name)) throw new Error(`Name of country ${name} contains a number`);
  const withAnd = name.replaceAll('&', 'and').replaceAll('+', 'and');
  const normalised = [...withAnd]
    .filter((c) => !IGNORED_IN_NAMES.has(c))
    .map((c) => c.toLowerCase())
    .join('');
  const ascii = [...normalised].map(asciiCharacter).join('');
  return ascii.includes('?') ? normalised : ascii;
}

const COUNTRIES: ReadonlyMap<string, string> = (() => {
  // As Notify builds it: a dict of the names as written (a later pair replaces an earlier one of the same
  // name but keeps its place), then keyed by the normalised name (a later name wins).
  const byName = new Map<string, string>([
    ...countriesAndTerritories(),
    ...UK_ISLANDS_LIST.map((name): [string, string] => [name, UK]),
    ...EUROPEAN_ISLANDS_LIST.map((name): [string, string] => [name, name]),
    ...WELSH_NAMES,
    ...ADDITIONAL_SYNONYMS,
  ]);
  const byKey = new Map<string, string>();
  for (const [name, canonical] of byName) byKey.set(normaliseCountryName(name), canonical);
  return byKey;
})();

function lookUp(name: string): string | undefined {
  // A name with a digit is probably a postcode, never a country.
  if (DIGIT.test(name)) return undefined;
  return COUNTRIES.get(normaliseCountryName(name));
}

export class CountryNotFoundError extends Error {}

export interface Country {
  readonly canonicalName: string;
  readonly postageZone: PostageZone;
}

function postageZoneOf(canonicalName: string): PostageZone {
  if (canonicalName === UK) return 'united-kingdom';
  if (ROYAL_MAIL_EUROPEAN.has(canonicalName)) return 'europe';
  return 'rest-of-world';
}

/**
 * The country or territory a name means ('deutschland' → Germany, 'Jersey' → United Kingdom), trying
 * it also with 'the', 'yr' and 'y' in front ('Gambia' → The Gambia). Throws CountryNotFoundError.
 */
export function findCountry(name: string): Country {
  for (const candidate of [name, `the ${name}`, `yr ${name}`, `y ${name}`]) {
    const canonicalName = lookUp(candidate);
    if (canonicalName !== undefined) return Object.freeze({ canonicalName, postageZone: postageZoneOf(canonicalName) });
  }
  throw new CountryNotFoundError(`Not a known country or territory (${name})`);
}

// Every line of an address is looked up (a trailing 'Scotland / UK' is dropped), so recent answers are kept.
const recent = new Map<string, Country | null>();

/** findCountry, or null for a name that is not a known country or territory. */
export function countryFor(name: string): Country | null {
  const known = recent.get(name);
  if (known !== undefined) return known;
  let country: Country | null;
  try {
    country = findCountry(name);
  } catch (e) {
    if (!(e instanceof CountryNotFoundError)) throw e;
    country = null;
  }
  if (recent.size >= 4096) recent.clear();
  recent.set(name, country);
  return country;
}
