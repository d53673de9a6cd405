import { Form, Link } from '@remix-run/react'
import { FormError } from './field-error.tsx'

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
        <label>
          Profile PIN
          <input name="pin" type="password" inputMode="numeric" pattern="[0-9]{4,8}" autoComplete="off" required autoFocus maxLength={8} />
        </label>
        <button type="submit" className="button primary">Unlock</button>
      </Form>
    </main>
  )
}
