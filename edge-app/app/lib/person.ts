/**
 * Who a request is made by, as every server module and the database's claims
 * (`request.jwt.claims`: `sub`, `profile_id`) see it. One type on purpose: the media-node
 * client signs for it, the database runs as it, profile data is filtered by it.
 */
export interface Person {
  userId: string
  /** The selected profile, already checked against the user; absent for account-level work. */
  profileId?: string
}

/** A person with a profile selected: what profile-scoped work (a profile's data, playback) takes. */
export type ProfilePerson = Person & { profileId: string }
