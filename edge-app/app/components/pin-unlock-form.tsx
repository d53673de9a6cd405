import { Form, Link } from '@remix-run/react'
import { FormError } from './field-error.tsx'
import { PinField } from './pin-field.tsx'

/** Asks for the account's profile PIN before a page that needs it (managing profiles). */
export function PinUnlockForm({ title, error }: { title: string; error?: string }) {
  return (
    <main id="main" className="page narrow">
      <p>
        <Link to="/profiles?switch=1">← Who&apos;s watching?</Link>
      </p>
      <h1>{title}</h1>
      <p>This family has a profile PIN. Enter it to go on.</p>
      <Form method="post" className="stack">
        <FormError message={error} />
        <input type="hidden" name="intent" value="unlock" />
        <PinField />
        <button type="submit" className="button primary">
          Unlock
        </button>
      </Form>
    </main>
  )
}
