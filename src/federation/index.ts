/**
 * federation: the venue's identity now; invitations, votes, replication, cosigning and the
 * federated agenda arrive with the federation issue (see ARCHITECTURE.md "Proof of authority").
 */
export {
  checkSiret,
  checkTimezone,
  checkVenueProfile,
  DEFAULT_CURRENCY,
  DEFAULT_TIMEZONE,
  findVenue,
  insertVenue,
  updateVenueProfile,
  type Venue,
  type VenueProfile,
} from "./venue.ts";
