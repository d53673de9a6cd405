import { createContext, useContext } from 'react'

/** The CSP nonce of the page being rendered on the server; undefined in the browser (not needed after load). */
export const NonceContext = createContext<string | undefined>(undefined)

export function useNonce(): string | undefined {
  return useContext(NonceContext)
}
