/**
 * The point of sale's admin side, gathered for server.ts: the catalogue (pos-admin-catalogue.ts),
 * closures, settings and training mode (pos-admin-closures.ts), reports, exports, voids and the
 * fiscal archive (pos-admin-reports.ts). The tills' own pages and API are elsewhere.
 */
import { catalogueRoutes } from "./pos-admin-catalogue.ts";
import { closureRoutes } from "./pos-admin-closures.ts";
import { reportRoutes } from "./pos-admin-reports.ts";
import type { Route } from "./router.ts";

export const posAdminRoutes: readonly Route[] = [...catalogueRoutes, ...closureRoutes, ...reportRoutes];
