/** The text of `tibox --help`: every command, flag, environment variable and default. */
import { DEFAULTS } from "./config.ts";

export const HELP = `tibox: one box that runs a venue (tickets, point of sale, cashless cards, door, signed ledger)

Usage: tibox [COMMAND] [FLAGS]

Commands:
  serve                      Start the box (the default command).
      --port N               HTTP port (env TIBOX_PORT, tibox.json "port"; default ${DEFAULTS.port})
      --host ADDR            Address to listen on (env TIBOX_HOST, "host"; default ${DEFAULTS.host})
      --https-port N         HTTPS port, 0 turns HTTPS off (env TIBOX_HTTPS_PORT, "https_port"; default ${DEFAULTS.httpsPort})
      --tls-cert FILE        Your own certificate chain, PEM (env TIBOX_TLS_CERT, "tls_cert"; default: the box's own CA)
      --tls-key FILE         Its private key, PEM (env TIBOX_TLS_KEY, "tls_key")
      --nfc-readers pcsc|off USB card readers on the box through pcscd (env TIBOX_NFC_READERS, "nfc_readers"; default pcsc)
      --simulated-readers    Allow simulated card taps: till button, tibox tap (env TIBOX_SIMULATED_READERS, "simulated_readers"; default off)
  init                       Set the box up without the browser wizard (for scripts).
      --venue NAME           The association's legal name (required)
      --admin-email EMAIL    The first admin's email (required)
      --admin-password P     Their password, at least 10 characters (required; or env TIBOX_ADMIN_PASSWORD)
      --admin-name NAME      Their name (default "Admin")
      --address TEXT  --siret DIGITS  --vat franchise|liable  --vat-number V
      --timezone TZ (default Europe/Paris)  --currency CODE (default EUR)
  verify                     Check every chain and invariant; exit 0 sound, 1 fault (named), 2 could not check.
      --json                 Print the outcome as JSON
      --expect-head SEQ:HASH The journal must contain this entry (a head printed on a Z ticket)
      --archive FILE         Check a fiscal archive file alone, without the database
  archive --to FOLDER [--period YYYY-MM]
                             Write the signed fiscal archive (the whole journal, or one month's
                             business days) into FOLDER, and record it in the fiscal journal.
  demo                       Seed a demo venue in ./demo-data (or --data) and serve it (simulated readers on).
  tap --uid UID (--terminal NAME|ID | --reader NAME) [--server URL]
                             Simulate a card tap on the box serving this data folder (signed with its
                             venue key; the box must allow simulated readers). --reader NAME taps as
                             simulated reader sim:NAME, routed by its binding (Admin > Card readers).
  reader --server URL --token T [--reader NAME | --simulated] [--ca FILE | --fingerprint FP]
                             Remote reader agent (e.g. a Raspberry Pi beside a till): forwards the
                             local PC/SC reader's taps (or, with --simulated, UIDs typed on stdin) to
                             the box with a reader terminal's token (or env TIBOX_READER_TOKEN);
                             trusts the box's own CA from FILE or by its fingerprint. Needs no --data.
  terminal add --kind till|door|reader --name NAME
                             Add a device; its token is printed alone on the last line.
  terminal list              List the devices.
  terminal revoke --id ID    Revoke a device's token.
  admin reset-password --email EMAIL [--password NEW]
                             Set a new password (generated and printed when not given).
  backup --to FOLDER         Write a consistent backup file (database and keys) while the box serves.
  restore --from FILE        Restore a backup into the data folder (which must be empty; --force replaces it).
  version                    Print the version.
  help, --help               Print this help.

Every command takes --data DIR: the data folder (env TIBOX_DATA; default ${DEFAULTS.data}).
Settings come from flags, then TIBOX_* environment variables, then DIR/tibox.json, then defaults.
Commands work beside a serving box on the same data folder.
`;
