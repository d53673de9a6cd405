/** What other workspaces' tests and benches use against a running edge app. */
export { HttpSession } from './http-session.ts'
export { searchStatements } from './search-statements.ts'
