import { Form } from '@remix-run/react'

/** "Watch together": starts a party for one file and goes to its page, whose link is the invite. */
export function StartPartyForm({ infoHash, fileIndex, kind, label }: { infoHash: string; fileIndex: number; kind: string; label?: string }) {
  if (kind !== 'video' && kind !== 'audio') return null
  return (
    <Form method="post" action="/api/parties" className="inline-form">
      <input type="hidden" name="infoHash" value={infoHash} />
      <input type="hidden" name="fileIndex" value={fileIndex} />
      <button type="submit" className="button" aria-label={label}>
        Watch together
      </button>
    </Form>
  )
}
