/**
 * Identifiers and secrets. Randomness is injected like time: outside this module, nothing calls
 * Math.random() or crypto.getRandomValues() directly.
 */
import type { Clock } from "./clock.ts";

export type RandomSource = (byteCount: number) => Uint8Array;

export const systemRandom: RandomSource = (byteCount) => crypto.getRandomValues(new Uint8Array(byteCount));

/** A deterministic source for tests and the simulation (xorshift32; not for secrets). */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0 || 0x9e3779b9;
  return (byteCount) => {
    const out = new Uint8Array(byteCount);
    for (let i = 0; i < byteCount; i++) {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      out[i] = state & 0xff;
    }
    return out;
  };
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A ULID: 48 bits of milliseconds then 80 random bits, in Crockford base32 (26 characters), so
 * ids sort by creation time.
 */
export function ulid(clock: Clock, random: RandomSource): string {
  let time = clock.nowMs();
  const timeChars: string[] = [];
  for (let i = 0; i < 10; i++) {
    timeChars.unshift(CROCKFORD[time % 32]!);
    time = Math.floor(time / 32);
  }
  const bytes = random(10);
  let bits = 0;
  let value = 0;
  let randomChars = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      randomChars += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return timeChars.join("") + randomChars;
}

export type IdFactory = () => string;

export function ulidFactory(clock: Clock, random: RandomSource): IdFactory {
  return () => ulid(clock, random);
}

/** A secret token for devices and sessions: 32 random bytes, base64url. */
export function secretToken(random: RandomSource, byteCount = 32): string {
  return Buffer.from(random(byteCount)).toString("base64url");
}

/** A code a person types or reads aloud: digits only, uniform (rejection sampling). */
export function numericCode(random: RandomSource, digitCount: number): string {
  let code = "";
  while (code.length < digitCount) {
    const byte = random(1)[0]!;
    if (byte < 250) code += String(byte % 10);
  }
  return code;
}
