export * from './signed-url.ts'
export * from './health.ts'
export * from './database-health.ts'
export * from './party-invite.ts'
