export * from './clock-sync.ts'
export * from './drift-correction.ts'
export * from './party-client.ts'
export { positionAt, REACTIONS, MAX_CHAT_CHARS, type ChatEntry, type MemberView, type PlaybackState, type ServerMessage } from '../protocol.ts'
