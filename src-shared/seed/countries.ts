/**
 * The countries generated customers live in, and per-country pools of names and addresses.
 * Faker (seeded, one instance per locale) fills the pools once; rows then pick from them with
 * SeedRandom. A pool is a few hundred to a few thousand entries: real names repeat across a
 * million customers, which is what makes "search by name prefix" a realistic benchmark.
 */
import {
  Faker,
  base,
  de,
  en,
  en_AU,
  en_CA,
  en_GB,
  en_US,
  es,
  es_MX,
  fr,
  it,
  nl,
  pt_BR,
  sv,
  type LocaleDefinition,
} from '@faker-js/faker';
import type { CountryCode } from 'libphonenumber-js/max';
import { hash32 } from './random';

export interface CountryProfile {
  country: CountryCode;
  /** Share of customers (relative weight). */
  weight: number;
  currency: string;
  /** Sales tax / VAT applied to orders, as a fraction. */
  taxRate: number;
  /** Flat shipping in the currency's minor units, waived above `freeShippingCents`. */
  shippingCents: number;
  freeShippingCents: number;
  /** Minor units per US cent: catalogue prices are in USD. */
  perUsdCent: number;
  emailDomains: readonly string[];
  /** Whether addresses in this country carry a region (state, province). */
  hasRegion: boolean;
  locale: LocaleDefinition;
}

const GLOBAL_DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com', 'hotmail.com', 'proton.me'] as const;

export const COUNTRIES: readonly CountryProfile[] = [
  { country: 'US', weight: 30, currency: 'USD', taxRate: 0.07, shippingCents: 799, freeShippingCents: 7500, perUsdCent: 1, emailDomains: [...GLOBAL_DOMAINS, 'aol.com', 'comcast.net'], hasRegion: true, locale: en_US },
  { country: 'CA', weight: 6, currency: 'CAD', taxRate: 0.13, shippingCents: 999, freeShippingCents: 9900, perUsdCent: 1.36, emailDomains: [...GLOBAL_DOMAINS, 'shaw.ca', 'rogers.com'], hasRegion: true, locale: en_CA },
  { country: 'GB', weight: 12, currency: 'GBP', taxRate: 0.2, shippingCents: 495, freeShippingCents: 5000, perUsdCent: 0.79, emailDomains: [...GLOBAL_DOMAINS, 'btinternet.com', 'hotmail.co.uk', 'sky.com'], hasRegion: false, locale: en_GB },
  { country: 'DE', weight: 10, currency: 'EUR', taxRate: 0.19, shippingCents: 495, freeShippingCents: 5000, perUsdCent: 0.92, emailDomains: [...GLOBAL_DOMAINS, 'web.de', 'gmx.de', 't-online.de'], hasRegion: false, locale: de },
  { country: 'FR', weight: 8, currency: 'EUR', taxRate: 0.2, shippingCents: 590, freeShippingCents: 6000, perUsdCent: 0.92, emailDomains: [...GLOBAL_DOMAINS, 'orange.fr', 'free.fr', 'laposte.net'], hasRegion: false, locale: fr },
  { country: 'ES', weight: 6, currency: 'EUR', taxRate: 0.21, shippingCents: 499, freeShippingCents: 5000, perUsdCent: 0.92, emailDomains: [...GLOBAL_DOMAINS, 'telefonica.net', 'yahoo.es'], hasRegion: false, locale: es },
  { country: 'IT', weight: 6, currency: 'EUR', taxRate: 0.22, shippingCents: 590, freeShippingCents: 6000, perUsdCent: 0.92, emailDomains: [...GLOBAL_DOMAINS, 'libero.it', 'virgilio.it', 'tiscali.it'], hasRegion: false, locale: it },
  { country: 'NL', weight: 4, currency: 'EUR', taxRate: 0.21, shippingCents: 495, freeShippingCents: 5000, perUsdCent: 0.92, emailDomains: [...GLOBAL_DOMAINS, 'ziggo.nl', 'kpnmail.nl'], hasRegion: false, locale: nl },
  { country: 'SE', weight: 3, currency: 'SEK', taxRate: 0.25, shippingCents: 4900, freeShippingCents: 59900, perUsdCent: 10.5, emailDomains: [...GLOBAL_DOMAINS, 'telia.com', 'bredband.net'], hasRegion: false, locale: sv },
  { country: 'AU', weight: 5, currency: 'AUD', taxRate: 0.1, shippingCents: 995, freeShippingCents: 9900, perUsdCent: 1.52, emailDomains: [...GLOBAL_DOMAINS, 'bigpond.com', 'optusnet.com.au'], hasRegion: true, locale: en_AU },
  { country: 'BR', weight: 5, currency: 'BRL', taxRate: 0.17, shippingCents: 2490, freeShippingCents: 29900, perUsdCent: 5.1, emailDomains: [...GLOBAL_DOMAINS, 'uol.com.br', 'bol.com.br', 'terra.com.br'], hasRegion: true, locale: pt_BR },
  { country: 'MX', weight: 5, currency: 'MXN', taxRate: 0.16, shippingCents: 9900, freeShippingCents: 99900, perUsdCent: 17.2, emailDomains: [...GLOBAL_DOMAINS, 'prodigy.net.mx', 'live.com.mx'], hasRegion: true, locale: es_MX },
];

export const COUNTRY_WEIGHTS: readonly number[] = COUNTRIES.map((c) => c.weight);

export interface NamePools {
  firstNames: readonly string[];
  lastNames: readonly string[];
  streets: readonly string[];
  cities: readonly string[];
  postalCodes: readonly string[];
  regions: readonly string[];
}

const FIRST_NAMES = 1500;
const LAST_NAMES = 1500;
const ADDRESS_POOL = 400;

function distinct(make: () => string, count: number): string[] {
  const seen = new Set<string>();
  // Small locales run out of distinct values: stop after a bounded number of tries.
  for (let tries = 0; tries < count * 4 && seen.size < count; tries++) seen.add(make());
  return [...seen];
}

const poolCache = new Map<string, NamePools>();

/**
 * The pools for one country from a Faker instance seeded from `seed` and the country. Kept per
 * process (a dozen small lists per seed): tests seed many small caches with the same seed.
 */
export function buildPools(profile: CountryProfile, seed: number): NamePools {
  const key = `${seed}:${profile.country}`;
  let pools = poolCache.get(key);
  if (!pools) {
    pools = fakePools(profile, seed);
    poolCache.set(key, pools);
  }
  return pools;
}

function fakePools(profile: CountryProfile, seed: number): NamePools {
  const faker = new Faker({ locale: [profile.locale, en, base] });
  faker.seed(hash32(`${seed}:${profile.country}`));
  const firstNames = distinct(() => faker.person.firstName(), FIRST_NAMES);
  const lastNames = distinct(() => faker.person.lastName(), LAST_NAMES);
  const streets = distinct(() => faker.location.streetAddress(), ADDRESS_POOL);
  const cities = distinct(() => faker.location.city(), ADDRESS_POOL);
  const postalCodes = distinct(() => faker.location.zipCode(), ADDRESS_POOL);
  const regions = profile.hasRegion ? distinct(() => faker.location.state({ abbreviated: true }), 60) : [];
  return { firstNames, lastNames, streets, cities, postalCodes, regions };
}
