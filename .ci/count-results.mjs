// Sums vitest JSON reports into the one closing line CI reads: "N passed, N failed".
// A file that failed to load (no failing test inside) counts as one failure; a run that exited
// non-zero without any failure in its report (crash, unhandled error) counts as one too.
import { existsSync, readFileSync } from 'node:fs'

let passed = 0
let failed = 0
for (const arg of process.argv.slice(2)) {
  const [file, exitCode] = arg.split(':')
  if (!existsSync(file)) {
    failed += 1
    continue
  }
  const report = JSON.parse(readFileSync(file, 'utf8'))
  let runFailures = report.numFailedTests
  for (const suite of report.testResults ?? []) {
    const failedInside = (suite.assertionResults ?? []).some((a) => a.status === 'failed')
    if (suite.status === 'failed' && !failedInside) runFailures += 1
  }
  if (Number(exitCode) !== 0 && runFailures === 0) runFailures = 1
  passed += report.numPassedTests
  failed += runFailures
}
console.log(`${passed} passed, ${failed} failed`)
