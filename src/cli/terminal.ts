/** `tibox terminal add|list|revoke`: devices from the command line, beside a serving box too. */
import { openBox } from "../app.ts";
import { parseTerminalKind } from "../auth/index.ts";
import { requireFlag, UsageError, type Args } from "./args.ts";

export function terminal(dataFolder: string, args: Args, out: (line: string) => void): void {
  const action = args.positionals[1];
  const box = openBox({ dataDir: dataFolder });
  try {
    if (!box.venue()) throw new UsageError("the box is not set up yet: run `tibox init` or the setup wizard first");
    if (action === "add") {
      const kind = parseTerminalKind(requireFlag(args, "kind"));
      const { terminal, token } = box.auth.addTerminalSync("cli", kind, requireFlag(args, "name"));
      out(`terminal ${terminal.id} added: ${terminal.name} (${terminal.kind})`);
      out("device token (shown once; send it as Authorization: Bearer TOKEN):");
      out(token);
    } else if (action === "list") {
      for (const row of box.auth.listTerminals()) {
        out(`${row.id}\t${row.kind}\t${row.revokedAtMs ? "revoked" : "active"}\t${row.name}`);
      }
    } else if (action === "revoke") {
      const id = requireFlag(args, "id");
      const revoked = box.auth.revokeTerminalSync("cli", id);
      out(`terminal ${revoked.id} revoked: ${revoked.name}`);
    } else {
      throw new UsageError("usage: tibox terminal add --kind till|door|reader --name NAME | list | revoke --id ID");
    }
  } finally {
    box.close();
  }
}
