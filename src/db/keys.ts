/**
 * The venue key: an Ed25519 private key in keys/venue.key (PKCS#8 PEM, mode 0600), created the
 * first time the box starts. Whoever holds it can sign as the venue, so it never leaves the data
 * folder except inside a backup.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { generateSigningKeyPem, signerFromPem, type Signer } from "../kernel/index.ts";
import { ensureDataDir, writeSecretFile, type DataDir } from "./datadir.ts";

export function loadOrCreateVenueKey(dir: DataDir): Signer {
  ensureDataDir(dir);
  if (!existsSync(dir.venueKeyPath)) writeSecretFile(dir.venueKeyPath, generateSigningKeyPem());
  return loadVenueKey(dir);
}

export function loadVenueKey(dir: DataDir): Signer {
  const mode = statSync(dir.venueKeyPath).mode & 0o777;
  if (mode & 0o077) throw new Error(`${dir.venueKeyPath} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it`);
  return signerFromPem(readFileSync(dir.venueKeyPath, "utf8"));
}
