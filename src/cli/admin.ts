/** `tibox admin reset-password --email E [--password P]`: for the admin who forgot. */
import { openBox } from "../app.ts";
import { checkPasswordPolicy, hashSecret } from "../auth/index.ts";
import { secretToken, systemRandom } from "../kernel/index.ts";
import { flag, requireFlag, UsageError, type Args } from "./args.ts";

export async function admin(dataFolder: string, args: Args, out: (line: string) => void): Promise<void> {
  if (args.positionals[1] !== "reset-password") throw new UsageError("usage: tibox admin reset-password --email EMAIL [--password NEW]");
  const email = requireFlag(args, "email");
  const given = flag(args, "password");
  // A generated password is 16 characters of base64url: about 96 bits, typed once then changed.
  const password = given ?? secretToken(systemRandom, 12);
  checkPasswordPolicy(password);
  const passwordHash = await hashSecret(password);
  const box = openBox({ dataDir: dataFolder });
  try {
    const operator = box.auth.resetPasswordSync("cli", email, passwordHash);
    out(`password reset for ${operator.email} (${operator.role}); their sessions were closed and any lockout lifted`);
    if (!given) {
      out("new password (shown once):");
      out(password);
    }
  } finally {
    box.close();
  }
}
