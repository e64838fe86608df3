/**
 * Passwords and PINs are hashed with argon2id through Bun.password, at the OWASP minimum cost
 * (19 MiB, 2 passes): a 2-core box must still answer a rush of PIN unlocks quickly. Device tokens,
 * session ids and pairing codes are random, so a plain SHA-256 is enough to store them.
 */
import { fail, limits, sha256Hex } from "../kernel/index.ts";

const ARGON2 = { algorithm: "argon2id", memoryCost: 19_456, timeCost: 2 } as const;

export function checkPasswordPolicy(password: string): void {
  if (password.length < limits.passwordMinChars) {
    fail("password_too_short", `a password has at least ${limits.passwordMinChars} characters`);
  }
  if (password.length > 256) fail("password_too_long", "a password has at most 256 characters");
}

export function checkPinPolicy(pin: string): void {
  if (!/^\d{4,8}$/.test(pin)) fail("pin_invalid", "a PIN is 4 to 8 digits");
}

export function hashSecret(secret: string): Promise<string> {
  return Bun.password.hash(secret, ARGON2);
}

export async function verifySecret(secret: string, hash: string | null): Promise<boolean> {
  if (!hash) {
    // Spend the same time as a real check so that timing does not tell which accounts exist.
    await Bun.password.verify(secret, DUMMY_HASH).catch(() => false);
    return false;
  }
  return Bun.password.verify(secret, hash).catch(() => false);
}

/** A valid argon2id hash of nothing anyone types, for constant-time refusals. */
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$3zJ3yqJ0h4gRzq8g8D3tqg$E0hJ0mS9sRr3Jm8iQ5u5S7c1Jb1lzZ6x0v8l1lX2M3Q";

export function digestToken(token: string): string {
  return sha256Hex(token);
}
