// Choices a profile can take; shared by the forms (browser) and the server's validation.
export const AVATARS = ['avatar-1', 'avatar-2', 'avatar-3', 'avatar-4', 'avatar-5', 'avatar-6'] as const
export const RATINGS = ['G', 'PG', 'PG-13', 'R', 'NC-17'] as const
/** A kids profile never goes above these (the database checks it too). */
export const KIDS_RATINGS = ['G', 'PG'] as const
