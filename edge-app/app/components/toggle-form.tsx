import { Form } from '@remix-run/react'

/** A one-button form that posts `intent`, its fields and `on` (1 or 0): favourite, played, allowed… */
export function ToggleForm({ intent, fields, on, label }: { intent: string; fields: Record<string, string | number>; on: boolean; label: string }) {
  return (
    <Form method="post" className="inline-form">
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <input type="hidden" name="on" value={on ? '1' : '0'} />
      <button type="submit" className="link-button">
        {label}
      </button>
    </Form>
  )
}
