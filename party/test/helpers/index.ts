/** What other workspaces' tests and benches use to run a real party room with simulated members. */
export { newPartyRoomId, startPartyServer } from './party-server.ts'
export { SimulatedPlayer, simulatedMember, type SimulatedMember } from './simulated-member.ts'
export { until } from './until.ts'
